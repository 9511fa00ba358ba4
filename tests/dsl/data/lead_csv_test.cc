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
      "Quality,Specialization\r\n"
      "p1,Google,Mumbai,5,1,High in Relevance,\"Banking, Investment And Insurance\"\r\n"
      "\r\n"
      "p2,Select,\"Thane\nWest\",,0,Select,Select\n"
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
  EXPECT_EQ(std::get<double>(*Find(p1, "quality")), XEducationQuality("High in Relevance", 0, 5));

  // "Select" and empty cells are missing values; so are the cells a short record lacks.
  const std::vector<Attribute>& p2 = (*rows)[1].attributes;
  EXPECT_EQ(Find(p2, "source"), nullptr);
  EXPECT_EQ(Find(p2, "visits"), nullptr);
  EXPECT_EQ(Find(p2, "industry"), nullptr);
  EXPECT_EQ(std::get<std::string>(*Find(p2, "city")), "Thane\nWest");
  EXPECT_EQ(std::get<double>(*Find(p2, "quality")), XEducationQuality("", 0, 0));
  const std::vector<Attribute>& p3 = (*rows)[2].attributes;
  EXPECT_EQ(std::get<std::string>(*Find(p3, "source")), "Direct Traffic");
  EXPECT_EQ(Find(p3, "region"), nullptr);
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
