package io.floorlink.collector.api;

/**
 * The JSON body of every error answer.
 *
 * @param error machine-readable kind: {@code bad_parameter}, {@code not_found}, {@code facts_unavailable},
 *     {@code internal}
 * @param parameter the parameter at fault, nullable
 * @param message what is wrong, for a person
 */
public record ApiError(String error, String parameter, String message) {}
