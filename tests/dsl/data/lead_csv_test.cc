// The X Education mapping (dsl/data/lead_csv.h) on small exports: columns to attributes, missing
// values, the line of each record, and malformed CSV reported with its line (read by
// dsl/data/csv_reader.h).
#include "dsl/data/lead_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "status_matchers.h"

namespace leadrouter::dsl {
namespace {

using ::leadrouter::testing::StatusIs;
using ::testing::HasSubstr;

const AttributeValue* Find(const std::vector<Attribute>& attributes, const std::string& name) {
  for (const Attribute& a : attributes) {
    if (a.name == name) return &a.value;
  }
  return nullptr;
}

TEST(XEducationTest, MapsColumnsAndKeepsTheLineOfEachRecord) {
  const std::string text =
      "\xEF\xBB\xBFProspect ID,Lead Source,City,TotalVisits,Converted,Lead "
      "Quality,Specialization,Total Time Spent on Website\r\n"
      "p1,Google,Mumbai,5,1,High in Relevance,\"Banking, Investment And Insurance\",750\r\n"
      "\r\n"
      "p2,Select,\"Thane\nWest\",,0,Select,Select,\n"
      "p3,Direct Traffic\n";
  absl::StatusOr<std::vector<XEducationRow>> rows = ParseXEducationLeads(text);
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].line, 2u);
  EXPECT_EQ((*rows)[1].line, 4u);  // after a blank line
  EXPECT_EQ((*rows)[2].line, 6u);  // after a quoted field that spans two lines

  const std::vector<Attribute>& p1 = (*rows)[0].attributes;
  EXPECT_EQ(std::get<std::string>(*Find(p1, "id")), "p1");
  EXPECT_EQ(std::get<std::string>(*Find(p1, "source")), "Google");
  EXPECT_EQ(std::get<std::string>(*Find(p1, "region")), "Mumbai");
  EXPECT_EQ(std::get<std::string>(*Find(p1, "industry")), "Banking, Investment And Insurance");
  EXPECT_EQ(std::get<double>(*Find(p1, "visits")), 5);
  EXPECT_TRUE(std::get<bool>(*Find(p1, "converted")));
  EXPECT_EQ(std::get<double>(*Find(p1, "time_on_site")), 750);
  // 50% of High in Relevance's 100, 30% of 750/1500 s on site, 20% of 5/10 visits: 50 + 15 + 10.
  EXPECT_EQ(std::get<double>(*Find(p1, "quality")), 75);

  // "Select" and empty cells are missing values; so are the cells a short record lacks.
  const std::vector<Attribute>& p2 = (*rows)[1].attributes;
  EXPECT_EQ(Find(p2, "source"), nullptr);
  EXPECT_EQ(Find(p2, "visits"), nullptr);
  EXPECT_EQ(Find(p2, "industry"), nullptr);
  EXPECT_EQ(Find(p2, "time_on_site"), nullptr);
  EXPECT_EQ(std::get<std::string>(*Find(p2, "city")), "Thane\nWest");
  // "Select" is a missing judgement (40), with no time and no visits: 50% of 40.
  EXPECT_EQ(std::get<double>(*Find(p2, "quality")), 20);
  const std::vector<Attribute>& p3 = (*rows)[2].attributes;
  EXPECT_EQ(std::get<std::string>(*Find(p3, "source")), "Direct Traffic");
  EXPECT_EQ(Find(p3, "region"), nullptr);
}

// The weights as lead_csv.h documents them, each value worked out by hand from that comment (and
// checked with a python3 one-off: round(0.5*J + 0.3*100*min(t/1500, 1) + 0.2*100*min(v/10, 1)),
// J the judgement's points), never by calling the function under test.
TEST(XEducationTest, QualityFollowsTheDocumentedWeights) {
  EXPECT_EQ(XEducationQuality("High in Relevance", 0, 5), 60);   // 50 + 0 + 10
  EXPECT_EQ(XEducationQuality("", 0, 0), 20);                    // missing: 40 * 0.5
  EXPECT_EQ(XEducationQuality("Might be", 750, 3), 56);          // 35 + 15 + 6
  EXPECT_EQ(XEducationQuality("Worst", 3000, 20), 50);           // 0 + 30 + 20: both saturate
  EXPECT_EQ(XEducationQuality("Low in Relevance", 335, 0), 19);  // 12.5 + 6.7 = 19.2, rounded
  EXPECT_EQ(XEducationQuality("Not Sure", 420, 12), 51);         // 22.5 + 8.4 + 20 = 50.9
}

TEST(XEducationTest, MalformedCsvNamesTheLine) {
  EXPECT_THAT(ParseXEducationLeads("Prospect ID,Lead Source\np1,Google\np2,\"Olark\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 3: a quoted field is not closed")));
  EXPECT_THAT(ParseXEducationLeads("Prospect ID,Lead Source\np1,\"Google\"x\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 2: text after a closing quote")));
  EXPECT_THAT(ParseXEducationLeads("\n\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty file")));
}

TEST(XEducationTest, ReadingAMissingFileIsNotFound) {
  EXPECT_THAT(ReadXEducationLeads("/nonexistent/leads.csv"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/leads.csv")));
}

}  // namespace
}  // namespace leadrouter::dsl
