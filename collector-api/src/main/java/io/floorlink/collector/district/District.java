package io.floorlink.collector.district;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of a district platform ({@code district.yaml}): the pilot programmes, industries (细分行业) and
 * contractors (数字化工程总承包商) it knows, the enterprises enrolled, and the reviews that assign enterprises to
 * reviewers. Access decisions come from here, never from an uploaded inventory. Immutable; built by
 * {@link DistrictLoader}, which validates every reference.
 *
 * @param programmes pilot programmes, in file order, never null
 * @param industries sub-industries, in file order, never null
 * @param contractors digitalisation contractors, in file order, never null
 * @param enterprises enrolled enterprises (active and retired), in file order, never null
 * @param reviews acceptance reviews, in file order, never null
 */
public record District(
        List<Programme> programmes,
        List<Industry> industries,
        List<Contractor> contractors,
        List<EnterpriseEntry> enterprises,
        List<Review> reviews) {

    /** At most this many enterprises in one registry (a county lists dozens to hundreds of pilots). */
    public static final int MAX_ENTERPRISES = 5_000;

    public District {
        programmes = List.copyOf(programmes);
        industries = List.copyOf(industries);
        contractors = List.copyOf(contractors);
        enterprises = List.copyOf(enterprises);
        reviews = List.copyOf(reviews);
    }

    /** A pilot programme run by a city or county. */
    public record Programme(String id, String name) {}

    /** A sub-industry (细分行业), e.g. sportswear sewing. */
    public record Industry(String code, String name) {}

    /** A digitalisation contractor that commissions enterprises. */
    public record Contractor(String id, String name) {}

    /**
     * The acceptance period of an enterprise, local dates of its time zone, both inclusive.
     *
     * @param from first day, never null
     * @param to last day, never null, not before {@code from}
     */
    public record Acceptance(LocalDate from, LocalDate to) {}

    /** Whether an enterprise is in the programme or has left it (its facts and history are kept). */
    public enum Status {
        ACTIVE,
        RETIRED
    }

    /**
     * One enrolled enterprise. Its code is the Sparkplug group of its edge nodes and the {@code enterprise.code} of
     * its inventory.
     *
     * @param code enterprise code = Sparkplug group_id, never null
     * @param name display name, never null (defaults to the code)
     * @param industry code of its {@link Industry}, never null
     * @param contractor id of its {@link Contractor}; null when none is named
     * @param programme id of its {@link Programme}, never null
     * @param enrolledOn the day it joined the pilot; null when unknown
     * @param acceptance its acceptance period; null when not set yet
     * @param status active or retired, never null
     * @param retiredOn the day it left; set exactly when retired
     */
    public record EnterpriseEntry(
            String code,
            String name,
            String industry,
            String contractor,
            String programme,
            LocalDate enrolledOn,
            Acceptance acceptance,
            Status status,
            LocalDate retiredOn) {

        public boolean active() {
            return status == Status.ACTIVE;
        }
    }

    /**
     * An acceptance review: the reviewers (user names of the collector's HTTP users) and the enterprises they
     * review.
     */
    public record Review(String id, List<String> reviewers, List<String> enterprises) {
        public Review {
            reviewers = List.copyOf(reviewers);
            enterprises = List.copyOf(enterprises);
        }
    }

    /** The enterprise with this code, active or retired. */
    public Optional<EnterpriseEntry> enterprise(String code) {
        return enterprises.stream().filter(e -> e.code().equals(code)).findFirst();
    }

    /** Enterprises by code, in file order. */
    public Map<String, EnterpriseEntry> byCode() {
        Map<String, EnterpriseEntry> out = new LinkedHashMap<>();
        enterprises.forEach(e -> out.put(e.code(), e));
        return out;
    }

    /** The industry with this code. */
    public Optional<Industry> industry(String code) {
        return industries.stream().filter(i -> i.code().equals(code)).findFirst();
    }

    /** The contractor with this id. */
    public Optional<Contractor> contractor(String id) {
        return contractors.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** The programme with this id. */
    public Optional<Programme> programme(String id) {
        return programmes.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
