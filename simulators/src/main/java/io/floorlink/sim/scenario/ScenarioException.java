package io.floorlink.sim.scenario;

/** A scenario that cannot be used; the message names the file, line and field at fault. */
public final class ScenarioException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that already names the place. */
    public ScenarioException(String message) {
        super(message);
    }

    static ScenarioException at(String source, int line, String field, String problem) {
        String where = line > 0 ? source + " line " + line : source;
        return new ScenarioException(where + ", field " + field + ": " + problem);
    }
}
