// Mapping files (dsl/data/lead_mapping.h): the shipped X Education mapping gives exactly the leads
// of the built-in reader on every row of the real export; each option does what the format says;
// every mistake in a mapping or a data file is an error naming where it is.
#include "dsl/data/lead_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dsl/data/dataset.h"
#include "status_matchers.h"

namespace leadrouter::dsl {
namespace {

using ::leadrouter::testing::StatusIs;
using ::testing::HasSubstr;

const std::string kRoot = LEADROUTER_SOURCE_DIR;

std::vector<Attribute> Sorted(std::vector<Attribute> attributes) {
  std::sort(attributes.begin(), attributes.end(),
            [](const Attribute& a, const Attribute& b) { return a.name < b.name; });
  return attributes;
}

// Same kind and same value (doubles bit for bit: both readers must compute the same quality).
bool SameValue(const AttributeValue& a, const AttributeValue& b) {
  if (a.index() != b.index()) return false;
  if (const auto* t = std::get_if<TimestampSeconds>(&a)) {
    return t->seconds == std::get<TimestampSeconds>(b).seconds;
  }
  if (const auto* d = std::get_if<DurationSeconds>(&a)) {
    return d->seconds == std::get<DurationSeconds>(b).seconds;
  }
  if (const auto* n = std::get_if<double>(&a)) return *n == std::get<double>(b);
  if (const auto* f = std::get_if<bool>(&a)) return *f == std::get<bool>(b);
  if (const auto* text = std::get_if<std::string>(&a)) return *text == std::get<std::string>(b);
  return std::holds_alternative<std::monostate>(a);
}

const AttributeValue* Find(const LeadRow& lead, const std::string& name) {
  for (const Attribute& a : lead.attributes) {
    if (a.name == name) return &a.value;
  }
  return nullptr;
}

LeadMapping MustParse(const std::string& toml) {
  absl::StatusOr<LeadMapping> mapping = ParseLeadMapping(toml, "m.toml");
  EXPECT_OK(mapping);
  return mapping.ok() ? *std::move(mapping) : LeadMapping{};
}

TEST(LeadMappingTest, XEducationMappingReproducesTheBuiltInReaderOnEveryRow) {
  const std::string data = kRoot + "/examples/data/leads-x-education.csv";
  absl::StatusOr<LeadMapping> mapping =
      ReadLeadMappingFile(kRoot + "/examples/x-education.mapping.toml");
  ASSERT_OK(mapping);
  absl::StatusOr<std::vector<LeadRow>> mapped =
      ReadMappedLeadsFile(data, *mapping, absl::UTCTimeZone());
  ASSERT_OK(mapped);
  absl::StatusOr<std::vector<LeadRow>> built_in = ReadLeadsFile(data, absl::UTCTimeZone());
  ASSERT_OK(built_in);
  ASSERT_EQ(mapped->size(), 9237u);
  ASSERT_EQ(mapped->size(), built_in->size());
  for (size_t i = 0; i < mapped->size(); ++i) {
    const LeadRow& a = (*mapped)[i];
    const LeadRow& b = (*built_in)[i];
    ASSERT_EQ(a.id, b.id) << "row " << i + 1;
    ASSERT_EQ(a.line, b.line) << a.id;
    ASSERT_EQ(a.created_at, b.created_at) << a.id;
    const std::vector<Attribute> x = Sorted(a.attributes);
    const std::vector<Attribute> y = Sorted(b.attributes);
    ASSERT_EQ(x.size(), y.size()) << a.id;
    for (size_t k = 0; k < x.size(); ++k) {
      ASSERT_EQ(x[k].name, y[k].name) << a.id;
      ASSERT_TRUE(SameValue(x[k].value, y[k].value)) << a.id << " " << x[k].name;
    }
  }
}

TEST(LeadMappingTest, RenamesTypesValueMapsAndMissingCells) {
  const LeadMapping mapping = MustParse(R"(
missing = ["", "Select", "n/a"]
[fields]
id = "Ref"
region = { column = "Country", values = { "India" = "apac", "Germany" = "emea" } }
value = { column = "Deal", type = "number" }
hot = { column = "Hot", type = "bool" }
created_at = "When"
note = { column = "Note", missing = [] }
extra = { column = "Extra", type = "auto" }
)");
  const std::string csv =
      "Ref,Country,Deal,Hot,When,Note,Extra\n"
      "a1,India,1200,TRUE,2026-01-05T10:00:00Z,Select,42\n"
      ",Chile,n/a,false,,,yes\n";
  absl::StatusOr<std::vector<LeadRow>> leads = MapLeads(mapping, csv, "x.csv", absl::UTCTimeZone());
  ASSERT_OK(leads);
  ASSERT_EQ(leads->size(), 2u);
  const LeadRow& a1 = (*leads)[0];
  EXPECT_EQ(a1.id, "a1");
  EXPECT_EQ(std::get<std::string>(*Find(a1, "region")), "apac");
  EXPECT_EQ(std::get<double>(*Find(a1, "value")), 1200);
  EXPECT_TRUE(std::get<bool>(*Find(a1, "hot")));
  EXPECT_EQ(a1.created_at, 1767607200);
  EXPECT_EQ(std::get<std::string>(*Find(a1, "note")), "Select");  // its own missing list
  EXPECT_EQ(std::get<double>(*Find(a1, "extra")), 42);

  const LeadRow& second = (*leads)[1];
  EXPECT_EQ(second.id, "#2");                                          // no id: the row number
  EXPECT_EQ(std::get<std::string>(*Find(second, "region")), "Chile");  // not listed: kept
  EXPECT_EQ(Find(second, "value"), nullptr);                           // "n/a" is missing
  EXPECT_FALSE(std::get<bool>(*Find(second, "hot")));
  EXPECT_FALSE(second.created_at.has_value());
  EXPECT_EQ(std::get<std::string>(*Find(second, "note")), "");  // "" is a value for it
  EXPECT_EQ(std::get<std::string>(*Find(second, "extra")), "yes");
}

TEST(LeadMappingTest, ComputedScoreWeighsPointsAndScales) {
  const LeadMapping mapping = MustParse(R"(
[fields]
id = "id"
[fields.quality]
round = true
score = [
  { weight = 0.5, column = "grade", points = { "A" = 100, "B" = 50 }, otherwise = 20 },
  { weight = 0.5, column = "minutes", scale = [10, 30] },
]
[fields.raw]
score = [{ column = "minutes", scale = [0, 40], otherwise = 7 }]
)");
  const std::string csv = "id,grade,minutes\nl1,A,20\nl2,C,45\nl3,,\nl4,B,x\n";
  absl::StatusOr<std::vector<LeadRow>> leads = MapLeads(mapping, csv, "x.csv", absl::UTCTimeZone());
  ASSERT_OK(leads);
  const auto quality = [&](size_t i) { return std::get<double>(*Find((*leads)[i], "quality")); };
  const auto raw = [&](size_t i) { return std::get<double>(*Find((*leads)[i], "raw")); };
  EXPECT_EQ(quality(0), 75);  // 0.5 * 100 + 0.5 * 50
  EXPECT_EQ(quality(1), 60);  // unlisted grade: 20; 45 minutes clamps to 100
  EXPECT_EQ(quality(2), 10);  // missing grade: 20; missing minutes: 0
  EXPECT_EQ(quality(3), 25);  // "x" is not a number: 0
  EXPECT_EQ(raw(0), 50);      // not rounded, no weight: 1
  EXPECT_EQ(raw(2), 7);       // otherwise
}

TEST(LeadMappingTest, MistakesInTheMappingNameLineAndColumn) {
  struct Case {
    std::string toml;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"[fields]\nid = \"a\"\nsource = { colum = \"b\" }\n",
       "m.toml:3:12: fields.source.colum: unknown key (expected one of: column, type, values, "
       "missing, score, round)"},
      {"[fields]\nvalue = { column = \"v\", type = \"integer\" }\n",
       "m.toml:2:32: fields.value.type: \"integer\" is not a type (text, number, bool, time, "
       "auto)"},
      {"[fields]\nq = { score = [{ column = \"a\" }] }\n",
       "m.toml:2:16: fields.q.score[0]: a score term needs exactly one of `points` and `scale`"},
      {"[fields]\nq = { score = [{ column = \"a\", scale = [5, 5] }] }\n",
       "fields.q.score[0].scale: high must be greater than low"},
      {"[fields]\nsource = { type = \"text\" }\n", "fields.source: needs a `column`"},
      {"[fields]\nid = { column = \"a\", type = \"number\" }\n", "fields.id: the id is text"},
      {"missing = \"Select\"\n[fields]\nid = \"a\"\n", "m.toml:1:11: missing: expected an array"},
      {"colour = 1\n", "m.toml:1:1: mapping.colour: unknown key"},
      {"missing = []\n", "m.toml: no [fields] table"},
      {"[fields\n", "m.toml:1:"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseLeadMapping(c.toml, "m.toml"),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.error)))
        << c.toml;
  }
}

TEST(LeadMappingTest, MistakesInTheDataNameFileLineAndColumn) {
  const LeadMapping mapping = MustParse(R"(
[fields]
id = "id"
value = { column = "deal", type = "number" }
hot = { column = "hot", type = "bool" }
)");
  const auto error = [&](const std::string& csv) {
    return MapLeads(mapping, csv, "x.csv", absl::UTCTimeZone()).status();
  };
  EXPECT_THAT(error("id,deal,hot\nl1,12k,true\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("x.csv:2: column \"deal\": \"12k\" is not a number")));
  EXPECT_THAT(error("id,deal,hot\nl1,12,yes\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("x.csv:2: column \"hot\": \"yes\" is not true or false")));
  EXPECT_THAT(error("id,value,hot\nl1,1,true\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("x.csv: the mapping names the column \"deal\", which the "
                                 "header lacks")));
  EXPECT_THAT(error("id,deal,hot\nl1,1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("x.csv:2: 2 fields")));
}

}  // namespace
}  // namespace leadrouter::dsl
