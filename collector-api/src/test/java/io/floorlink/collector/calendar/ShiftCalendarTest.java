package io.floorlink.collector.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.collector.calendar.ShiftCalendar.Span;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShiftCalendarTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    // 2026-03-02 is a Monday.
    private static Instant sh(String local) {
        return LocalDateTime.parse(local).atZone(SHANGHAI).toInstant();
    }

    private static Span span(String from, String to) {
        return new Span(sh(from), sh(to));
    }

    private static Shift shift(String days, String start, String end, String... breaks) {
        return new Shift(
                null,
                CalendarSyntax.days(days),
                CalendarSyntax.time("start", start),
                CalendarSyntax.time("end", end),
                java.util.Arrays.stream(breaks).map(Break::parse).toList());
    }

    private static ShiftCalendar calendar(List<Shift> shifts, Set<LocalDate> holidays, List<MakeUpDay> makeUp) {
        return new ShiftCalendar("cal", SHANGHAI, shifts, holidays, makeUp);
    }

    private static Duration total(List<Span> spans) {
        return spans.stream().map(Span::length).reduce(Duration.ZERO, Duration::plus);
    }

    @Test
    void dayShiftWithLunchBreakOverOneDay() {
        ShiftCalendar cal = calendar(List.of(shift("mon-sat", "08:00", "17:30", "12:00-13:00")), Set.of(), List.of());

        assertThat(cal.scheduled(sh("2026-03-02T00:00"), sh("2026-03-03T00:00")))
                .containsExactly(
                        span("2026-03-02T08:00", "2026-03-02T12:00"), span("2026-03-02T13:00", "2026-03-02T17:30"));
        assertThat(cal.describe()).isEqualTo("calendar cal (Asia/Shanghai)");
        assertThat(cal.id()).isEqualTo("cal");
        assertThat(cal.zone()).isEqualTo(SHANGHAI);
    }

    @Test
    void sundayIsNotScheduledForAMonToSatShift() {
        ShiftCalendar cal = calendar(List.of(shift("mon-sat", "08:00", "17:00")), Set.of(), List.of());

        // 2026-03-08 is a Sunday.
        assertThat(cal.scheduled(sh("2026-03-08T00:00"), sh("2026-03-09T00:00")))
                .isEmpty();
        assertThat(cal.scheduled(sh("2026-03-07T00:00"), sh("2026-03-08T00:00")))
                .containsExactly(span("2026-03-07T08:00", "2026-03-07T17:00"));
    }

    @Test
    void overnightShiftCrossesMidnight() {
        ShiftCalendar cal = calendar(List.of(shift("mon-fri", "22:00", "06:00")), Set.of(), List.of());

        // Tuesday: the Monday night shift ends at 06:00, the Tuesday one starts at 22:00.
        assertThat(cal.scheduled(sh("2026-03-03T00:00"), sh("2026-03-04T00:00")))
                .containsExactly(
                        span("2026-03-03T00:00", "2026-03-03T06:00"), span("2026-03-03T22:00", "2026-03-04T00:00"));
    }

    @Test
    void overnightShiftCrossesTheWeekEnd() {
        ShiftCalendar friday = calendar(List.of(shift("mon-fri", "22:00", "06:00")), Set.of(), List.of());
        // Friday night runs into Saturday; nothing starts on Saturday or Sunday; Monday night starts after the window.
        assertThat(friday.scheduled(sh("2026-03-06T12:00"), sh("2026-03-09T12:00")))
                .containsExactly(span("2026-03-06T22:00", "2026-03-07T06:00"));

        ShiftCalendar sunday = calendar(List.of(shift("sun-thu", "22:00", "06:00")), Set.of(), List.of());
        // The Sunday night shift ends on Monday morning: it crosses the ISO week end.
        assertThat(sunday.scheduled(sh("2026-03-07T00:00"), sh("2026-03-09T12:00")))
                .containsExactly(span("2026-03-08T22:00", "2026-03-09T06:00"));
    }

    @Test
    void breakInsideAnOvernightShiftAfterMidnight() {
        ShiftCalendar cal =
                calendar(List.of(shift("mon", "20:00", "04:00", "23:30-00:30", "02:00-02:15")), Set.of(), List.of());

        assertThat(cal.scheduled(sh("2026-03-02T00:00"), sh("2026-03-04T00:00")))
                .containsExactly(
                        span("2026-03-02T20:00", "2026-03-02T23:30"),
                        span("2026-03-03T00:30", "2026-03-03T02:00"),
                        span("2026-03-03T02:15", "2026-03-03T04:00"));
    }

    @Test
    void windowStartingAndEndingMidShiftIsClipped() {
        ShiftCalendar cal = calendar(List.of(shift("mon-sat", "08:00", "17:30", "12:00-13:00")), Set.of(), List.of());

        assertThat(cal.scheduled(sh("2026-03-02T10:15"), sh("2026-03-02T15:45")))
                .containsExactly(
                        span("2026-03-02T10:15", "2026-03-02T12:00"), span("2026-03-02T13:00", "2026-03-02T15:45"));
    }

    @Test
    void windowStartingAndEndingMidBreak() {
        ShiftCalendar cal = calendar(List.of(shift("mon-sat", "08:00", "17:30", "12:00-13:00")), Set.of(), List.of());

        assertThat(cal.scheduled(sh("2026-03-02T12:10"), sh("2026-03-03T12:30")))
                .containsExactly(
                        span("2026-03-02T13:00", "2026-03-02T17:30"), span("2026-03-03T08:00", "2026-03-03T12:00"));
        assertThat(cal.scheduled(sh("2026-03-02T12:10"), sh("2026-03-02T12:50")))
                .isEmpty();
    }

    @Test
    void windowStartingInsideAnOvernightShiftThatBeganTheDayBefore() {
        ShiftCalendar cal = calendar(List.of(shift("mon-fri", "22:00", "06:00")), Set.of(), List.of());

        assertThat(cal.scheduled(sh("2026-03-03T03:00"), sh("2026-03-03T23:00")))
                .containsExactly(
                        span("2026-03-03T03:00", "2026-03-03T06:00"), span("2026-03-03T22:00", "2026-03-03T23:00"));
    }

    @Test
    void emptyWindowsGiveNoSpans() {
        ShiftCalendar cal = calendar(List.of(shift("daily", "00:00", "24:00")), Set.of(), List.of());

        assertThat(cal.scheduled(sh("2026-03-02T10:00"), sh("2026-03-02T10:00")))
                .isEmpty();
        assertThat(cal.scheduled(sh("2026-03-02T11:00"), sh("2026-03-02T10:00")))
                .isEmpty();
        assertThat(calendar(List.of(), Set.of(), List.of()).scheduled(sh("2026-03-02T00:00"), sh("2026-03-09T00:00")))
                .isEmpty();
    }

    @Test
    void roundTheClockShiftsMergeIntoOneSpan() {
        ShiftCalendar cal = calendar(List.of(shift("daily", "00:00", "24:00")), Set.of(), List.of());

        assertThat(cal.scheduled(sh("2026-03-02T10:00"), sh("2026-03-05T10:00")))
                .containsExactly(span("2026-03-02T10:00", "2026-03-05T10:00"));
        ShiftCalendar threeShifts = calendar(
                List.of(
                        shift("daily", "06:00", "14:00"),
                        shift("daily", "14:00", "22:00"),
                        shift("daily", "22:00", "06:00")),
                Set.of(),
                List.of());
        assertThat(threeShifts.scheduled(sh("2026-03-02T00:00"), sh("2026-03-03T00:00")))
                .containsExactly(span("2026-03-02T00:00", "2026-03-03T00:00"));
    }

    @Test
    void overlappingShiftsCountOnce() {
        ShiftCalendar cal =
                calendar(List.of(shift("mon", "08:00", "16:00"), shift("mon", "12:00", "20:00")), Set.of(), List.of());

        assertThat(cal.scheduled(sh("2026-03-02T00:00"), sh("2026-03-03T00:00")))
                .containsExactly(span("2026-03-02T08:00", "2026-03-02T20:00"));
    }

    @Test
    void holidayStartsNoShiftButTheNightShiftBeforeRunsIntoIt() {
        ShiftCalendar cal = calendar(
                List.of(shift("mon-fri", "08:00", "17:00"), shift("mon-fri", "22:00", "06:00")),
                Set.of(LocalDate.parse("2026-03-04")),
                List.of());

        assertThat(cal.scheduled(sh("2026-03-04T00:00"), sh("2026-03-05T00:00")))
                .containsExactly(span("2026-03-04T00:00", "2026-03-04T06:00"));
        // The day after: the holiday started no night shift, so Thursday begins with its day shift.
        assertThat(cal.scheduled(sh("2026-03-05T00:00"), sh("2026-03-05T12:00")))
                .containsExactly(span("2026-03-05T08:00", "2026-03-05T12:00"));
    }

    @Test
    void makeUpDayWorksLikeTheGivenWeekday() {
        // 调休: Saturday 2026-03-07 is worked like a Monday; the Mon-Fri calendar otherwise rests on Saturday.
        ShiftCalendar cal = calendar(
                List.of(shift("mon-fri", "08:00", "17:00"), shift("fri", "18:00", "20:00")),
                Set.of(),
                List.of(new MakeUpDay(LocalDate.parse("2026-03-07"), DayOfWeek.MONDAY)));

        assertThat(cal.scheduled(sh("2026-03-07T00:00"), sh("2026-03-08T00:00")))
                .containsExactly(span("2026-03-07T08:00", "2026-03-07T17:00"));
        assertThat(cal.scheduled(sh("2026-03-14T00:00"), sh("2026-03-15T00:00")))
                .isEmpty();
    }

    @Test
    void makeUpDayOnAHolidayIsRefused() {
        assertThatThrownBy(() -> calendar(
                        List.of(shift("mon-fri", "08:00", "17:00")),
                        Set.of(LocalDate.parse("2026-03-07")),
                        List.of(new MakeUpDay(LocalDate.parse("2026-03-07"), DayOfWeek.MONDAY))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("make-up day 2026-03-07 is also a holiday");
    }

    @Test
    void thirtyDayWindowWithHolidaysAndMakeUpDays() {
        // March 2026: 22 weekdays (Mon-Fri); two of them holidays, one Saturday made up. 8 h per day net.
        ShiftCalendar cal = calendar(
                List.of(shift("mon-fri", "08:00", "17:00", "12:00-13:00")),
                Set.of(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-11")),
                List.of(new MakeUpDay(LocalDate.parse("2026-03-14"), DayOfWeek.WEDNESDAY)));

        List<Span> spans = cal.scheduled(sh("2026-03-01T00:00"), sh("2026-03-31T00:00"));

        // 1..30 March: weekdays are 2-6, 9-13, 16-20, 23-27, 30 = 21; minus 2 holidays, plus 1 make-up day = 20.
        assertThat(spans).hasSize(40);
        assertThat(total(spans)).isEqualTo(Duration.ofHours(20 * 8));
        assertSortedAndDisjoint(spans);
    }

    @Test
    void daylightSavingChangeShortensAndLengthensTheNightShift() {
        // Europe/Berlin: 2026-03-29 02:00 -> 03:00 (spring forward), 2026-10-25 03:00 -> 02:00 (fall back).
        ShiftCalendar cal =
                new ShiftCalendar("berlin", BERLIN, List.of(shift("daily", "22:00", "06:00")), Set.of(), List.of());

        Instant springFrom =
                LocalDateTime.parse("2026-03-28T12:00").atZone(BERLIN).toInstant();
        List<Span> spring = cal.scheduled(springFrom, springFrom.plus(Duration.ofDays(1)));
        assertThat(spring).hasSize(1);
        assertThat(spring.get(0).length()).isEqualTo(Duration.ofHours(7));
        assertThat(spring.get(0).start()).isEqualTo(Instant.parse("2026-03-28T21:00:00Z"));
        assertThat(spring.get(0).end()).isEqualTo(Instant.parse("2026-03-29T04:00:00Z"));

        Instant autumnFrom =
                LocalDateTime.parse("2026-10-24T12:00").atZone(BERLIN).toInstant();
        List<Span> autumn = cal.scheduled(autumnFrom, autumnFrom.plus(Duration.ofDays(1)));
        assertThat(autumn).hasSize(1);
        assertThat(autumn.get(0).length()).isEqualTo(Duration.ofHours(9));
        assertThat(autumn.get(0).end()).isEqualTo(Instant.parse("2026-10-25T05:00:00Z"));
    }

    @Test
    void dayShiftOnADaylightSavingDayKeepsItsLocalTimes() {
        ShiftCalendar cal =
                new ShiftCalendar("berlin", BERLIN, List.of(shift("daily", "08:00", "16:00")), Set.of(), List.of());

        Instant from = Instant.parse("2026-03-28T00:00:00Z");
        List<Span> spans = cal.scheduled(from, from.plus(Duration.ofDays(2)));
        // Saturday 08:00 CET = 07:00Z; Sunday 08:00 CEST = 06:00Z.
        assertThat(spans)
                .containsExactly(
                        new Span(Instant.parse("2026-03-28T07:00:00Z"), Instant.parse("2026-03-28T15:00:00Z")),
                        new Span(Instant.parse("2026-03-29T06:00:00Z"), Instant.parse("2026-03-29T14:00:00Z")));
    }

    @Test
    void breaksOutsideTheShiftOrOverlappingAreRefused() {
        assertThatThrownBy(() -> shift("mon", "08:00", "17:00", "17:30-18:00"))
                .hasMessageContaining("break 17:30-18:00 is not inside shift");
        assertThatThrownBy(() -> shift("mon", "08:00", "17:00", "07:00-09:00"))
                .hasMessageContaining("is not inside shift");
        assertThatThrownBy(() -> shift("mon", "08:00", "17:00", "10:00-11:00", "10:30-11:30"))
                .hasMessageContaining("overlaps another break");
        assertThatThrownBy(() -> Break.parse("12:00")).hasMessageContaining("is not HH:mm-HH:mm");
    }

    @Test
    void syntaxErrorsSayTheExpectedForm() {
        assertThat(CalendarSyntax.days("mon-fri")).hasSize(5);
        assertThat(CalendarSyntax.days("fri-mon"))
                .containsExactlyInAnyOrder(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY, DayOfWeek.MONDAY);
        assertThat(CalendarSyntax.days("Monday,wed")).containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY);
        assertThat(CalendarSyntax.dates("2026-10-01..2026-10-07")).hasSize(7);
        assertThatThrownBy(() -> CalendarSyntax.days("mon-frx")).hasMessageContaining("'frx' is not a weekday");
        assertThatThrownBy(() -> CalendarSyntax.time("shift start", "25:00"))
                .hasMessageContaining("shift start '25:00' is not a time of day");
        assertThatThrownBy(() -> CalendarSyntax.time("shift end", "8h"))
                .hasMessageContaining("is not a local time HH:mm");
        assertThatThrownBy(() -> CalendarSyntax.dates("2026-10-07..2026-10-01")).hasMessageContaining("ends before");
        assertThatThrownBy(() -> CalendarSyntax.date("2026-13-01")).hasMessageContaining("is not a date YYYY-MM-DD");
        assertThatThrownBy(() -> CalendarSyntax.zone("Asia/Beijing")).hasMessageContaining("is not a time zone id");
    }

    private static void assertSortedAndDisjoint(List<Span> spans) {
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i).start()).isAfter(spans.get(i - 1).end());
        }
    }
}
