package io.floorlink.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpConfigTest {
    private static final String TOKEN = "0123456789abcdef-reviewer";

    @Test
    void anonymousReadsOnlyOnLoopbackWithoutReviewerTokensUnlessSaidSo() {
        assertThat(new HttpConfig("127.0.0.1", 0).allowAnonymousReads()).isTrue();
        assertThat(new HttpConfig("::1", 0).allowAnonymousReads()).isTrue();
        assertThat(new HttpConfig("0.0.0.0", 0).allowAnonymousReads()).isFalse();
        assertThat(new HttpConfig("192.168.10.5", 0).allowAnonymousReads()).isFalse();
        assertThat(new HttpConfig("collector.plant.local", 0).allowAnonymousReads())
                .isFalse();
        assertThat(new HttpConfig("127.0.0.1", 0)
                        .withReviewerTokens(List.of(new HttpConfig.ReviewerToken("zhang", TOKEN)))
                        .allowAnonymousReads())
                .isFalse();
        assertThat(new HttpConfig("0.0.0.0", 0, null, null, true, null).allowAnonymousReads())
                .isTrue();
    }

    @Test
    void weakDuplicateOrUnnamedTokensAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new HttpConfig("127.0.0.1", 0, "short"))
                .hasMessageContaining("admin_token must be at least 16");
        assertThatThrownBy(() -> new HttpConfig("127.0.0.1", 0)
                        .withReviewerTokens(List.of(new HttpConfig.ReviewerToken("zhang", "short"))))
                .hasMessageContaining("reviewer_tokens[0] (zhang): token must be at least 16");
        assertThatThrownBy(() -> new HttpConfig("127.0.0.1", 0, TOKEN)
                        .withReviewerTokens(List.of(new HttpConfig.ReviewerToken("zhang", TOKEN))))
                .hasMessageContaining("reviewer_tokens[0] (zhang): the same token is given twice");
        assertThatThrownBy(() -> new HttpConfig("127.0.0.1", 0)
                        .withReviewerTokens(List.of(new HttpConfig.ReviewerToken("zhang wei", TOKEN))))
                .hasMessageContaining("reviewer_tokens[0].name");
        assertThatThrownBy(() -> new HttpConfig.Tls(Path.of("collector.p12"), null))
                .hasMessageContaining("tls.keystore_password is required");
    }

    @Test
    void toStringShowsNoSecret() {
        HttpConfig c = new HttpConfig("127.0.0.1", 0, "admin-0123456789abcdef")
                .withReviewerTokens(List.of(new HttpConfig.ReviewerToken("zhang", TOKEN)));
        assertThat(c.toString())
                .doesNotContain("admin-0123456789abcdef")
                .doesNotContain(TOKEN)
                .contains("zhang");
    }

    @Test
    void districtUsersNeedARoleAndExactlyTheReferenceOfTheirRoleNamingTheField() {
        HttpConfig base = new HttpConfig("127.0.0.1", 0, "admin-0123456789abcdef");
        HttpConfig ok = base.withUsers(List.of(
                new HttpConfig.User("li", TOKEN, HttpConfig.Role.ENTERPRISE, "ENT-SEW", null),
                new HttpConfig.User("east", TOKEN + "-2", HttpConfig.Role.CONTRACTOR, null, "CTR-EAST")));
        assertThat(ok.allowAnonymousReads())
                .as("users switch anonymous reads off")
                .isFalse();
        assertThat(ok.toString()).doesNotContain(TOKEN).contains("li:enterprise", "east:contractor");

        assertThatThrownBy(() -> base.withUsers(
                        List.of(new HttpConfig.User("li", TOKEN, HttpConfig.Role.ENTERPRISE, null, null))))
                .hasMessageContaining("users[0] (li): enterprise is required for role enterprise");
        assertThatThrownBy(() -> base.withUsers(
                        List.of(new HttpConfig.User("li", TOKEN, HttpConfig.Role.REVIEWER, "ENT-SEW", null))))
                .hasMessageContaining("users[0] (li): enterprise is only for role enterprise, not reviewer");
        assertThatThrownBy(() -> base.withUsers(
                        List.of(new HttpConfig.User("east", TOKEN, HttpConfig.Role.CONTRACTOR, null, null))))
                .hasMessageContaining("users[0] (east): contractor is required for role contractor");
        assertThatThrownBy(() -> base.withUsers(List.of(new HttpConfig.User("li", TOKEN, null, null, null))))
                .hasMessageContaining("users[0] (li): role is required");
        assertThatThrownBy(() -> base.withUsers(List.of(
                        new HttpConfig.User("li", "admin-0123456789abcdef", HttpConfig.Role.REVIEWER, null, null))))
                .hasMessageContaining("users[0] (li): the same token is given twice");
        assertThatThrownBy(() -> base.withReviewerTokens(List.of(new HttpConfig.ReviewerToken("li", TOKEN + "-r")))
                        .withUsers(List.of(new HttpConfig.User("li", TOKEN, HttpConfig.Role.REVIEWER, null, null))))
                .hasMessageContaining("users[0]: duplicate name 'li'");
    }
}
