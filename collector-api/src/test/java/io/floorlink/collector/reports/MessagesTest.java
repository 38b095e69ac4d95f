package io.floorlink.collector.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesTest {
    @Test
    void bothLanguagesHaveTheSameKeys() {
        assertThat(Messages.of(ReportLanguage.EN).keys())
                .isNotEmpty()
                .isEqualTo(Messages.of(ReportLanguage.ZH_CN).keys());
    }

    @Test
    void textsAreReadAsUtf8WithTheMiitTerms() {
        Messages zh = Messages.of(ReportLanguage.ZH_CN);
        assertThat(zh.get("indicator.networking_rate.name")).isEqualTo("设备联网率");
        assertThat(zh.get("indicator.key_networking_rate.name")).isEqualTo("关键设备联网率");
        assertThat(zh.get("indicator.digitalization_rate.name")).isEqualTo("设备数字化率");
        assertThat(zh.get("signature.expert")).isEqualTo("验收专家签字");
        assertThat(zh.get("sheet.summary")).isEqualTo("汇总");
        assertThat(Messages.of(ReportLanguage.EN).get("sheet.summary")).isEqualTo("Summary");
    }

    @Test
    void placeholdersAreFilledAndUnknownKeysRefused() {
        Messages en = Messages.of(ReportLanguage.EN);
        assertThat(en.format("indicator.networking_rate.formula", Map.of("theta_online", 0.9, "theta_complete", 0.95)))
                .contains("θ_online = 0.9")
                .contains("θ_complete = 0.95")
                .doesNotContain("{");
        assertThat(en.get("no.such.key", "fallback")).isEqualTo("fallback");
        assertThatThrownBy(() -> en.get("no.such.key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no.such.key");
    }

    @Test
    void languageFromParameterAndAcceptLanguage() {
        assertThat(ReportLanguage.parse("zh-CN")).isEqualTo(ReportLanguage.ZH_CN);
        assertThat(ReportLanguage.parse("zh_cn")).isEqualTo(ReportLanguage.ZH_CN);
        assertThat(ReportLanguage.parse("zh")).isEqualTo(ReportLanguage.ZH_CN);
        assertThat(ReportLanguage.parse("en")).isEqualTo(ReportLanguage.EN);
        assertThat(ReportLanguage.parse("en-GB")).isEqualTo(ReportLanguage.EN);
        assertThat(ReportLanguage.parse("fr")).isNull();
        assertThat(ReportLanguage.parse("zh-TW")).isNull();

        assertThat(ReportLanguage.fromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8")).isEqualTo(ReportLanguage.ZH_CN);
        assertThat(ReportLanguage.fromAcceptLanguage("zh-TW")).isEqualTo(ReportLanguage.ZH_CN);
        assertThat(ReportLanguage.fromAcceptLanguage("en-US,zh;q=0.5")).isEqualTo(ReportLanguage.EN);
        assertThat(ReportLanguage.fromAcceptLanguage("en;q=0.5,zh;q=0.9")).isEqualTo(ReportLanguage.ZH_CN);
        assertThat(ReportLanguage.fromAcceptLanguage("de")).isEqualTo(ReportLanguage.EN);
        assertThat(ReportLanguage.fromAcceptLanguage(null)).isEqualTo(ReportLanguage.EN);
        assertThat(ReportLanguage.fromAcceptLanguage(";;;")).isEqualTo(ReportLanguage.EN);
    }

    @Test
    void everySentenceOfTheReasonTableGivesChineseForItsExample() {
        Messages zh = Messages.of(ReportLanguage.ZH_CN);
        assertThat(Reasons.entries()).hasSizeGreaterThan(40);
        for (Reasons.Entry e : Reasons.entries()) {
            assertThat(e.en().matcher(e.example()).find())
                    .as("example of %s", e.en())
                    .isTrue();
            assertThat(zh.reason(e.example()))
                    .as(e.example())
                    .doesNotStartWith("（原文）")
                    .doesNotContain("{")
                    .containsPattern("\\p{IsHan}");
        }
    }

    @Test
    void compositeReasonsAreTranslatedPartByPartAndUnknownOnesMarkedAsTheOriginal() {
        Messages zh = Messages.of(ReportLanguage.ZH_CN);
        assertThat(zh.reason("rule R1: not measurable: scheduled time is empty"))
                .isEqualTo("规则 R1：无法计算：计划时长为空");
        assertThat(zh.reason("online_ratio 0.5 < θ_online 0.9")).isEqualTo("在线率（online_ratio） 0.5 < θ_online 0.9");
        assertThat(zh.reason("point_coverage 0.75 < 1: no good sample in S for [alarm, bad_parts]"))
                .isEqualTo("点位覆盖率（point_coverage） 0.75 < 1：计划时长内以下点位没有良好样本：[alarm, bad_parts]");
        assertThat(zh.reasons(java.util.List.of("no reads in S", "a sentence nobody wrote")))
                .isEqualTo("计划时长内没有读取; （原文）a sentence nobody wrote");
        assertThat(Messages.of(ReportLanguage.EN).reason("no reads in S")).isEqualTo("no reads in S");
        assertThat(zh.reason(null)).isNull();
    }
}
