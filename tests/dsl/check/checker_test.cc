// The checker on its own: what names resolve to, the near-miss policy, warnings and partial mode.
// (The rendered diagnostics of every error kind are golden cases: tests/dsl/golden/check_*.)
#include "dsl/check/checker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dsl/syntax/parser.h"

namespace leadrouter::dsl {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Checked {
  SourceFile source;
  ParseResult parsed;
  CheckedFile checked;
};

std::unique_ptr<Checked> CheckText(const std::string& text, CheckOptions options = {}) {
  auto out = std::make_unique<Checked>(Checked{SourceFile("c.rules", text), {}, {}});
  out->parsed = Parse(out->source);
  EXPECT_FALSE(HasErrors(out->parsed.diagnostics))
      << RenderText(out->source, out->parsed.diagnostics);
  out->checked = Check(out->parsed.file, out->source, options);
  return out;
}

std::vector<std::string> Codes(const CheckedFile& checked) {
  std::vector<std::string> codes;
  for (const Diagnostic& d : checked.diagnostics) codes.push_back(d.code);
  return codes;
}

// The NameRef of the name whose source text is `name` (the first one).
const NameRef* RefOf(const Checked& c, std::string_view name) {
  for (const auto& [expr, ref] : c.checked.names) {
    if (c.source.Slice(expr->span) == name) return &ref;
  }
  return nullptr;
}

TEST(CheckerTest, BareNamesResolvePerClause) {
  const auto c = CheckText(
      "let HOT = 80\nsegment big = value > 1000\n"
      "when quality > HOT and big require level >= 3 and big prefer skill(industry)\n");
  EXPECT_THAT(Codes(c->checked), IsEmpty());
  const NameRef* quality = RefOf(*c, "quality");
  ASSERT_NE(quality, nullptr);
  EXPECT_EQ(quality->kind, NameRef::Kind::kField);
  EXPECT_EQ(quality->record, RecordKind::kLead);
  EXPECT_EQ(quality->slot, lead_slot::kQuality);
  EXPECT_EQ(RefOf(*c, "HOT")->kind, NameRef::Kind::kLet);
  EXPECT_EQ(RefOf(*c, "big")->kind, NameRef::Kind::kSegment);
  const NameRef* level = RefOf(*c, "level");
  ASSERT_NE(level, nullptr);
  EXPECT_EQ(level->record, RecordKind::kRep);
  EXPECT_EQ(level->slot, rep_slot::kLevel);
  const NameRef* industry = RefOf(*c, "industry");  // in prefer: no rep field of that name
  ASSERT_NE(industry, nullptr);
  EXPECT_EQ(industry->record, RecordKind::kLead);
}

TEST(CheckerTest, RepFieldsShadowLeadFieldsOutsideWhen) {
  const auto c = CheckText("when region == \"eu\" require region == lead.region\n");
  std::vector<RecordKind> regions;
  for (const auto& [expr, ref] : c->checked.names) {
    if (ref.field == "region") regions.push_back(ref.record);
  }
  EXPECT_THAT(regions, ::testing::UnorderedElementsAre(RecordKind::kLead, RecordKind::kRep,
                                                       RecordKind::kLead));
}

TEST(CheckerTest, UnknownNamesAreCustomAttributesUnlessNearMisses) {
  const auto custom = CheckText("when budget > 1 require certified prefer seniority\n");
  EXPECT_THAT(Codes(custom->checked), IsEmpty());
  EXPECT_TRUE(custom->checked.lead_fields.Find("budget").has_value());
  EXPECT_TRUE(custom->checked.rep_fields.Find("certified").has_value());
  EXPECT_TRUE(custom->checked.rep_fields.Find("seniority").has_value());

  // Typos of fields, constants and segments are errors; a different case is a typo too.
  EXPECT_THAT(Codes(CheckText("when qualty > 1 prefer 1\n")->checked), ElementsAre("unknown-name"));
  EXPECT_THAT(Codes(CheckText("when Quality > 1 prefer 1\n")->checked),
              ElementsAre("unknown-name"));
  EXPECT_THAT(Codes(CheckText("let LIMIT = 3\nwhen quality > LIMT prefer 1\n")->checked),
              ElementsAre("unknown-name", "unused-let"));
  // Short names allow one edit only: `tier` is not a typo of `team`.
  EXPECT_THAT(Codes(CheckText("when tier == \"gold\" prefer 1\n")->checked), IsEmpty());
  // The explicit form always reaches a custom attribute (a near miss gets a warning).
  EXPECT_THAT(Codes(CheckText("when lead.qualty > 1 prefer 1\n")->checked),
              ElementsAre("possible-typo"));
}

TEST(CheckerTest, RepFieldsAndRepFunctionsAreErrorsInWhenAndSegments) {
  EXPECT_THAT(Codes(CheckText("when level > 1 prefer 1\n")->checked),
              ElementsAre("rep-field-in-when"));
  EXPECT_THAT(Codes(CheckText("when lead.level > 1 prefer 1\n")->checked), IsEmpty());
  EXPECT_THAT(Codes(CheckText("segment s = tag(\"x\")\nwhen s prefer 1\n")->checked),
              ElementsAre("rep-field-in-when"));
  EXPECT_THAT(Codes(CheckText("when skill(\"x\") > 1 prefer 1\n")->checked),
              ElementsAre("rep-field-in-when"));
}

TEST(CheckerTest, LetsMayReferToLaterLetsButNotToThemselves) {
  EXPECT_THAT(Codes(CheckText("let A = B * 2\nlet B = 3\nwhen quality > A prefer 1\n")->checked),
              IsEmpty());
  EXPECT_THAT(Codes(CheckText("let A = B\nlet B = A\nwhen quality > A prefer 1\n")->checked),
              ElementsAre("definition-cycle"));
}

TEST(CheckerTest, EveryErrorIsReported) {
  const auto c =
      CheckText("when qualty > 1 and source > 1 and nosuch() and level > 1 prefer region\n");
  EXPECT_THAT(Codes(c->checked), ElementsAre("unknown-name", "type-mismatch", "unknown-function",
                                             "rep-field-in-when", "type-mismatch"));
}

// The clause checks that need a meaning, not a spelling (the spelling is the parser's: a repeated
// clause or channel, an unknown strategy, a cap limit that is not a whole number).
TEST(CheckerTest, ClauseValuesThatCanNeverWork) {
  EXPECT_THAT(Codes(CheckText("when true team \"\"\n")->checked), ElementsAre("empty-team"));
  EXPECT_THAT(Codes(CheckText("when true cap 0/day\n")->checked), ElementsAre("invalid-cap"));
  EXPECT_THAT(Codes(CheckText("when true cap 2/day, 3/day\n")->checked),
              ElementsAre("duplicate-cap"));
  EXPECT_THAT(Codes(CheckText("when true sla 0m then reassign\n")->checked),
              ElementsAre("invalid-duration"));
  EXPECT_THAT(Codes(CheckText("when true followup phone within 0s, email within 1h\n")->checked),
              ElementsAre("invalid-duration"));
  EXPECT_THAT(Codes(CheckText("when true distribute balanced(\"x\")\n")->checked),
              ElementsAre("type-mismatch"));
  EXPECT_THAT(Codes(CheckText("when true distribute sticky(level)\n")->checked),
              ElementsAre("sticky-reads-rep"));
  EXPECT_THAT(
      Codes(CheckText("when true distribute balanced(quality) by tier [50, 80]\n")->checked),
      ElementsAre("invalid-tiers"));
  EXPECT_THAT(
      Codes(CheckText("when true distribute balanced(quality) by tier [90, 80, 70, 60, 50]\n")
                ->checked),
      ElementsAre("invalid-tiers"));
  EXPECT_THAT(Codes(CheckText("when true distribute balanced(level) by tier [3]\n")->checked),
              ElementsAre("tier-reads-rep"));
  EXPECT_THAT(
      Codes(CheckText("when true distribute balanced(lead.quality) over month by tier [80, 50]\n")
                ->checked),
      ::testing::IsEmpty());
}

TEST(CheckerTest, AnUnknownFunctionListsEveryBuiltin) {
  const auto c = CheckText("when zzzzzz(1) prefer 1\n");
  ASSERT_EQ(c->checked.diagnostics.size(), 1u);
  EXPECT_EQ(c->checked.diagnostics[0].code, "unknown-function");
  EXPECT_EQ(c->checked.diagnostics[0].hint, "functions: has, lower, len, skill, tag, hours_since");
}

TEST(CheckerTest, PartialModeReportsErrorsOnly) {
  CheckOptions options;
  options.partial = true;
  const auto c = CheckText("let UNUSED = 1\nwhen qualty > 1 prefer 1\n", options);
  EXPECT_THAT(Codes(c->checked), ElementsAre("unknown-name"));
}

TEST(CheckerTest, TypesOfCustomAttributesAreOpen) {
  // A custom attribute may hold anything: no static type errors, run-time mismatches are false.
  EXPECT_THAT(Codes(CheckText("when budget > 1 or budget == \"x\" or budget in [1] "
                              "or lower(budget) == \"y\" prefer budget\n")
                        ->checked),
              IsEmpty());
}

TEST(CheckerTest, DepthLimitCountsSegments) {
  CheckOptions options;
  options.max_expression_depth = 10;
  const auto c = CheckText(
      "segment a = quality > 1 and quality > 2 and quality > 3\n"
      "segment b = a and a and a and quality > 4\n"
      "segment c = b and b and b and quality > 5\n"
      "when c prefer 1\n",
      options);
  EXPECT_THAT(Codes(c->checked), ElementsAre("too-deep"));
}

}  // namespace
}  // namespace leadrouter::dsl
