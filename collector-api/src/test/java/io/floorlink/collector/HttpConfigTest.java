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
}
