// Values, field tables, records, scratch memory and the operators on values.
#include "dsl/base/value.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "dsl/base/record.h"
#include "dsl/base/schema.h"
#include "dsl/eval/eval_context.h"
#include "dsl/eval/internal/eval_operators.h"

namespace leadrouter::dsl {
namespace {

using ast::BinaryOp;

TEST(ValueTest, IsSmallAndTriviallyCopyable) {
  static_assert(std::is_trivially_copyable_v<Value>);
  static_assert(sizeof(Value) <= 24);
  EXPECT_TRUE(Value().is_null());
}

TEST(ValueTest, AccessorsOfTheWrongKindAreNeutral) {
  const Value s = Value::String("x");
  EXPECT_EQ(s.number_value(), 0);
  EXPECT_FALSE(s.bool_value());
  EXPECT_TRUE(s.list_value().empty());
  EXPECT_EQ(Value::Number(3).string_value(), "");
  EXPECT_FALSE(Value::Number(1).IsTrue());
  EXPECT_TRUE(Value::Bool(true).IsTrue());
}

TEST(ValueTest, EqualityIsByKindAndContent) {
  EXPECT_TRUE(Equal(Value::Number(2), Value::Number(2.0)));
  EXPECT_FALSE(Equal(Value::Number(2), Value::String("2")));
  EXPECT_FALSE(Equal(Value(), Value()));  // null equals nothing
  EXPECT_TRUE(Equal(Value::Duration(60), Value::Duration(60)));
  EXPECT_FALSE(Equal(Value::Duration(60), Value::Timestamp(60)));
  const std::vector<Value> a = {Value::String("x"), Value::String("y")};
  const std::vector<Value> b = {Value::String("x"), Value::String("y")};
  const std::vector<Value> c = {Value::String("x")};
  EXPECT_TRUE(Equal(Value::List(a), Value::List(b)));
  EXPECT_FALSE(Equal(Value::List(a), Value::List(c)));
}

TEST(ValueTest, FormatsCanonically) {
  EXPECT_EQ(FormatValue(Value()), "null");
  EXPECT_EQ(FormatValue(Value::Bool(true)), "true");
  EXPECT_EQ(FormatValue(Value::Number(80)), "80");
  EXPECT_EQ(FormatValue(Value::Number(0.5)), "0.5");
  EXPECT_EQ(FormatValue(Value::Number(-std::numeric_limits<double>::infinity())), "-inf");
  EXPECT_EQ(FormatValue(Value::String("a\"b\\c\n")), R"("a\"b\\c\n")");
  // Control characters in the language's own escape, so a dumped string reads back as a literal.
  EXPECT_EQ(FormatValue(Value::String(std::string_view("\x01", 1))), R"("\u{1}")");
  EXPECT_EQ(FormatValue(Value::String("esc\x1b del\x7f")), R"("esc\u{1B} del\u{7F}")");
  EXPECT_EQ(FormatValue(Value::Duration(4 * 3600)), "4h");
  EXPECT_EQ(FormatValue(Value::Duration(90 * 60)), "90m");
  EXPECT_EQ(FormatValue(Value::Duration(7 * 86400)), "7d");
  EXPECT_EQ(FormatValue(Value::Duration(45)), "45s");
  EXPECT_EQ(FormatValue(Value::Duration(0)), "0s");
  EXPECT_EQ(FormatValue(Value::Timestamp(1700000000)), "@1700000000");
  const std::vector<Value> items = {Value::String("a"), Value::Number(1)};
  EXPECT_EQ(FormatValue(Value::List(items)), R"(["a", 1])");
  const std::vector<SkillLevel> skills = {{"tech", 4}};
  EXPECT_EQ(FormatValue(Value::Skills(skills)), R"({"tech": 4})");
}

TEST(ValueTest, NumbersAreTheShortestTextThatReadsBack) {
  EXPECT_EQ(FormatNumber(0), "0");
  EXPECT_EQ(FormatNumber(-0.0), "-0");
  EXPECT_EQ(FormatNumber(1234.5), "1234.5");
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(0.0001), "0.0001");
  EXPECT_EQ(FormatNumber(0.00001), "1e-05");
  EXPECT_EQ(FormatNumber(1.5e-300), "1.5e-300");
  EXPECT_EQ(FormatNumber(1e15), "1000000000000000");
  EXPECT_EQ(FormatNumber(1e16), "1e+16");
  EXPECT_EQ(FormatNumber(123456789012345678.0), "1.2345678901234568e+17");
  EXPECT_EQ(FormatNumber(-2.5e21), "-2.5e+21");
  EXPECT_EQ(FormatNumber(std::nan("")), "nan");
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::infinity()), "inf");
}

// The text numbers had before FormatNumber existed was fmt's `{}`; keep it so, bit pattern by bit
// pattern (dumps, explanations and `leadctl fmt` output must not change).
TEST(ValueTest, NumbersAreWrittenAsFmtWroteThem) {
  std::mt19937_64 random(20261201);
  const auto check = [](double d) {
    if (std::isnan(d)) return;
    ASSERT_EQ(FormatNumber(d), fmt::format("{}", d))
        << "bits " << std::hex << std::bit_cast<uint64_t>(d);
  };
  for (int i = 0; i < 200000; ++i) check(std::bit_cast<double>(random()));
  for (int i = 0; i < 200000; ++i) {
    // Numbers rules hold: integers, money, percentages, around every exponent fmt switches at.
    const double scale = std::pow(10.0, static_cast<int>(random() % 44) - 22);
    check(static_cast<double>(static_cast<int64_t>(random() % 2000001) - 1000000) * scale);
    check(static_cast<double>(random() % 100000) / 100.0);
  }
  for (int e = -330; e <= 310; ++e) {
    check(std::pow(10.0, e));
    check(std::nextafter(std::pow(10.0, e), 0.0));
    check(std::nextafter(std::pow(10.0, e), 1e308));
  }
  check(std::numeric_limits<double>::max());
  check(std::numeric_limits<double>::min());
  check(std::numeric_limits<double>::denorm_min());
}

TEST(FieldTableTest, KnownFieldsHaveFixedSlotsAndTypes) {
  const FieldTable lead(RecordKind::kLead);
  EXPECT_EQ(lead.size(), lead_slot::kCount);
  EXPECT_EQ(lead.Find("quality"), lead_slot::kQuality);
  EXPECT_EQ(lead.field(lead_slot::kCreatedAt).kind, ValueKind::kTimestamp);
  EXPECT_EQ(lead.Find("nope"), std::nullopt);
  const FieldTable rep(RecordKind::kRep);
  EXPECT_EQ(rep.size(), rep_slot::kCount);
  EXPECT_EQ(rep.Find("open_leads"), rep_slot::kOpenLeads);
  EXPECT_EQ(rep.Find("skills"), rep_slot::kSkills);
  EXPECT_EQ(rep.field(rep_slot::kAvailable).kind, ValueKind::kBool);
}

TEST(FieldTableTest, InternsCustomAttributesAfterTheKnownFields) {
  FieldTable lead(RecordKind::kLead);
  const Slot budget = lead.Intern("budget");
  EXPECT_EQ(budget, lead_slot::kCount);
  EXPECT_EQ(lead.Intern("budget"), budget);
  EXPECT_EQ(lead.Intern("quality"), lead_slot::kQuality);
  EXPECT_TRUE(lead.field(budget).custom);
  EXPECT_EQ(lead.field(budget).kind, std::nullopt);
  EXPECT_FALSE(lead.IsKnown("budget"));
  EXPECT_TRUE(lead.IsKnown("quality"));
}

TEST(RecordTest, UnsetAndOutOfRangeSlotsAreNull) {
  const Record record(3);
  EXPECT_TRUE(record.Get(0).is_null());
  EXPECT_TRUE(record.Get(99).is_null());
  EXPECT_TRUE(Record().Get(0).is_null());
}

TEST(RecordTest, HoldsEveryKindAndOverwrites) {
  Record record(2);
  record.SetString(0, "ads");
  EXPECT_EQ(record.Get(0).string_value(), "ads");
  record.SetNumber(0, 3);
  EXPECT_EQ(record.Get(0).number_value(), 3);
  record.SetList(1, {"a", "b"});
  ASSERT_EQ(record.Get(1).list_value().size(), 2u);
  EXPECT_EQ(record.Get(1).list_value()[1].string_value(), "b");
  record.SetSkills(5, {{"tech", 4}, {"finance", 2}});  // grows
  EXPECT_EQ(record.size(), 6u);
  ASSERT_EQ(record.Get(5).skills_value().size(), 2u);
  EXPECT_EQ(record.Get(5).skills_value()[0].name, "tech");
  record.SetTimestamp(2, 100);
  record.SetDuration(3, 60);
  record.SetBool(4, true);
  EXPECT_EQ(record.Get(2).seconds_value(), 100);
  EXPECT_TRUE(record.Get(3).is_duration());
  EXPECT_TRUE(record.Get(4).IsTrue());
  record.SetNull(4);
  EXPECT_TRUE(record.Get(4).is_null());
}

TEST(RecordTest, ViewsSurviveMovesAndCopiesAreIndependent) {
  Record original(3);
  original.SetString(0, "short");  // small-string-optimised: lives inside the std::string
  original.SetList(1, {"x", "y"});
  original.SetSkills(2, {{"tech", 4}});
  Record moved = std::move(original);
  EXPECT_EQ(moved.Get(0).string_value(), "short");
  EXPECT_EQ(moved.Get(1).list_value()[0].string_value(), "x");
  Record copy = moved;
  moved.SetString(0, "changed");
  moved.SetSkills(2, {{"sales", 1}});
  EXPECT_EQ(copy.Get(0).string_value(), "short");
  EXPECT_EQ(copy.Get(1).list_value()[1].string_value(), "y");
  EXPECT_EQ(copy.Get(2).skills_value()[0].name, "tech");
  // A slot that once held a string and now holds a number copies as the number.
  moved.SetNumber(0, 7);
  const Record copy2 = moved;
  EXPECT_EQ(copy2.Get(0).number_value(), 7);
}

TEST(RecordTest, BindsNamedAttributesThroughATable) {
  FieldTable table(RecordKind::kLead);
  const Slot budget = table.Intern("budget");
  const Record lead = BindRecord(table, {{"source", std::string("ads")},
                                         {"quality", 85.0},
                                         {"budget", 1000.0},
                                         {"unread_by_program", true},
                                         {"created_at", TimestampSeconds{50}},
                                         {"region", std::monostate{}}});
  EXPECT_EQ(lead.Get(lead_slot::kSource).string_value(), "ads");
  EXPECT_EQ(lead.Get(lead_slot::kQuality).number_value(), 85);
  EXPECT_EQ(lead.Get(budget).number_value(), 1000);
  EXPECT_TRUE(lead.Get(lead_slot::kCreatedAt).is_timestamp());
  EXPECT_TRUE(lead.Get(lead_slot::kRegion).is_null());
  EXPECT_EQ(lead.size(), table.size());
}

TEST(ScratchBufferTest, KeepsStringsUntilResetAndReusesMemory) {
  ScratchBuffer scratch(16);
  char* a = scratch.Allocate(10);
  char* b = scratch.Allocate(10);  // does not fit the first block: a second one
  EXPECT_NE(a, b);
  char* big = scratch.Allocate(100);  // larger than a block
  EXPECT_NE(big, nullptr);
  const size_t capacity = scratch.capacity();
  scratch.Reset();
  EXPECT_EQ(scratch.Allocate(10), a);
  scratch.Allocate(10);
  scratch.Allocate(100);
  EXPECT_EQ(scratch.capacity(), capacity);  // warmed up: no new block
}

// -------------------------------------------------------------------------------------------
// Operators

const Value kNull;
const Value kTwo = Value::Number(2);
const Value kThree = Value::Number(3);
const Value kAbc = Value::String("abc");

TEST(OperatorsTest, ComparisonsWithNullAreAlwaysFalse) {
  for (BinaryOp op : {BinaryOp::kEqual, BinaryOp::kNotEqual, BinaryOp::kLess, BinaryOp::kLessEqual,
                      BinaryOp::kGreater, BinaryOp::kGreaterEqual}) {
    EXPECT_FALSE(Compare(op, kNull, kTwo));
    EXPECT_FALSE(Compare(op, kTwo, kNull));
    EXPECT_FALSE(Compare(op, kNull, kNull));
  }
}

TEST(OperatorsTest, ComparisonsAcrossKindsAreAlwaysFalse) {
  for (BinaryOp op :
       {BinaryOp::kEqual, BinaryOp::kNotEqual, BinaryOp::kLess, BinaryOp::kGreaterEqual}) {
    EXPECT_FALSE(Compare(op, kTwo, Value::String("2")));
    EXPECT_FALSE(Compare(op, Value::Duration(2), kTwo));
  }
}

TEST(OperatorsTest, ComparesNumbersStringsDurationsTimestamps) {
  EXPECT_TRUE(Compare(BinaryOp::kLess, kTwo, kThree));
  EXPECT_TRUE(Compare(BinaryOp::kNotEqual, kTwo, kThree));
  EXPECT_FALSE(Compare(BinaryOp::kGreaterEqual, kTwo, kThree));
  EXPECT_TRUE(Compare(BinaryOp::kLess, Value::String("B"), Value::String("a")));  // byte-wise
  EXPECT_TRUE(Compare(BinaryOp::kLess, Value::String("z"), Value::String("\xc3\xa9")));
  EXPECT_TRUE(Compare(BinaryOp::kLessEqual, Value::Duration(60), Value::Duration(60)));
  EXPECT_TRUE(Compare(BinaryOp::kGreater, Value::Timestamp(2), Value::Timestamp(1)));
  EXPECT_TRUE(Compare(BinaryOp::kEqual, Value::Bool(true), Value::Bool(true)));
  EXPECT_FALSE(Compare(BinaryOp::kLess, Value::Bool(false), Value::Bool(true)));  // unordered
  const double nan = std::nan("");
  EXPECT_FALSE(Compare(BinaryOp::kEqual, Value::Number(nan), Value::Number(nan)));
}

TEST(OperatorsTest, Membership) {
  const std::vector<Value> items = {Value::String("a"), Value::String("b")};
  const Value list = Value::List(items);
  EXPECT_EQ(In(Value::String("a"), list), Membership::kYes);
  EXPECT_EQ(In(Value::String("c"), list), Membership::kNo);
  EXPECT_EQ(In(kTwo, list), Membership::kInvalid);  // no number in a list of strings
  EXPECT_EQ(In(kNull, list), Membership::kInvalid);
  EXPECT_EQ(In(Value::String("a"), kNull), Membership::kInvalid);
  EXPECT_EQ(In(Value::String("bc"), kAbc), Membership::kYes);
  EXPECT_EQ(In(Value::String("x"), kAbc), Membership::kNo);
  EXPECT_EQ(In(kTwo, kAbc), Membership::kInvalid);
  EXPECT_EQ(In(kTwo, Value::List({})), Membership::kNo);
  const std::vector<SkillLevel> skills = {{"tech", 3}};
  EXPECT_EQ(In(Value::String("tech"), Value::Skills(skills)), Membership::kYes);
  EXPECT_EQ(In(Value::String("law"), Value::Skills(skills)), Membership::kNo);
}

TEST(OperatorsTest, ArithmeticOnNumbers) {
  EXPECT_EQ(Arithmetic(BinaryOp::kAdd, kTwo, kThree).number_value(), 5);
  EXPECT_EQ(Arithmetic(BinaryOp::kSubtract, kTwo, kThree).number_value(), -1);
  EXPECT_EQ(Arithmetic(BinaryOp::kMultiply, kTwo, kThree).number_value(), 6);
  EXPECT_EQ(Arithmetic(BinaryOp::kDivide, kThree, kTwo).number_value(), 1.5);
  EXPECT_EQ(Arithmetic(BinaryOp::kModulo, Value::Number(7), kThree).number_value(), 1);
  EXPECT_TRUE(Arithmetic(BinaryOp::kDivide, kTwo, Value::Number(0)).is_null());
  EXPECT_TRUE(Arithmetic(BinaryOp::kModulo, kTwo, Value::Number(0)).is_null());
  EXPECT_TRUE(Arithmetic(BinaryOp::kAdd, kNull, kTwo).is_null());
  EXPECT_TRUE(Arithmetic(BinaryOp::kAdd, kTwo, kNull).is_null());
  EXPECT_TRUE(Arithmetic(BinaryOp::kAdd, kAbc, kAbc).is_null());
  EXPECT_TRUE(Arithmetic(BinaryOp::kMultiply, kAbc, kTwo).is_null());
}

TEST(OperatorsTest, ArithmeticOnDurationsAndTimestamps) {
  const Value hour = Value::Duration(3600);
  const Value t = Value::Timestamp(1000);
  EXPECT_EQ(Arithmetic(BinaryOp::kAdd, hour, hour).seconds_value(), 7200);
  EXPECT_TRUE(Arithmetic(BinaryOp::kAdd, t, hour).is_timestamp());
  EXPECT_EQ(Arithmetic(BinaryOp::kAdd, hour, t).seconds_value(), 4600);
  EXPECT_EQ(Arithmetic(BinaryOp::kSubtract, t, Value::Timestamp(400)).seconds_value(), 600);
  EXPECT_TRUE(Arithmetic(BinaryOp::kSubtract, t, Value::Timestamp(400)).is_duration());
  EXPECT_EQ(Arithmetic(BinaryOp::kMultiply, hour, Value::Number(1.5)).seconds_value(), 5400);
  EXPECT_EQ(Arithmetic(BinaryOp::kDivide, hour, Value::Number(4)).seconds_value(), 900);
  EXPECT_EQ(Arithmetic(BinaryOp::kDivide, hour, Value::Duration(60)).number_value(), 60);
  EXPECT_TRUE(Arithmetic(BinaryOp::kDivide, hour, Value::Duration(0)).is_null());
  EXPECT_TRUE(Arithmetic(BinaryOp::kModulo, hour, Value::Duration(0)).is_null());
  EXPECT_EQ(Arithmetic(BinaryOp::kModulo, Value::Duration(INT64_MIN), Value::Duration(-1))
                .seconds_value(),
            0);
  EXPECT_TRUE(Arithmetic(BinaryOp::kAdd, t, t).is_null());  // timestamp + timestamp
  // Overflow and out-of-range scaling give null, never undefined behaviour.
  EXPECT_TRUE(Arithmetic(BinaryOp::kAdd, Value::Duration(INT64_MAX), Value::Duration(1)).is_null());
  EXPECT_TRUE(Arithmetic(BinaryOp::kMultiply, hour, Value::Number(1e300)).is_null());
  EXPECT_TRUE(Arithmetic(BinaryOp::kMultiply, hour, Value::Number(std::nan(""))).is_null());
  EXPECT_TRUE(Negate(Value::Duration(INT64_MIN)).is_null());
  EXPECT_EQ(Negate(hour).seconds_value(), -3600);
  EXPECT_EQ(Negate(kTwo).number_value(), -2);
  EXPECT_TRUE(Negate(kAbc).is_null());
}

TEST(OperatorsTest, Functions) {
  ScratchBuffer scratch;
  EXPECT_EQ(Lower(Value::String("AbC-É"), &scratch).string_value(), "abc-É");
  EXPECT_TRUE(Lower(Value::String("x"), nullptr).is_null());
  EXPECT_TRUE(Lower(kTwo, &scratch).is_null());
  EXPECT_EQ(Length(kAbc).number_value(), 3);
  EXPECT_EQ(Length(Value::List({})).number_value(), 0);
  EXPECT_TRUE(Length(kTwo).is_null());
  const std::vector<SkillLevel> skills = {{"tech", 4}};
  EXPECT_EQ(SkillLevelOf(Value::Skills(skills), Value::String("tech")).number_value(), 4);
  EXPECT_EQ(SkillLevelOf(Value::Skills(skills), Value::String("law")).number_value(), 0);
  EXPECT_EQ(SkillLevelOf(kNull, Value::String("law")).number_value(), 0);
  EXPECT_TRUE(SkillLevelOf(Value::Skills(skills), kTwo).is_null());
  const std::vector<Value> tags = {Value::String("newcomer")};
  EXPECT_TRUE(HasTag(Value::List(tags), Value::String("newcomer")).IsTrue());
  EXPECT_FALSE(HasTag(Value::List(tags), Value::String("senior")).IsTrue());
  EXPECT_TRUE(HasTag(kNull, kTwo).is_null());
  EXPECT_EQ(HoursSince(Value::Timestamp(0), 7200).number_value(), 2);
  EXPECT_TRUE(HoursSince(kTwo, 7200).is_null());
}

}  // namespace
}  // namespace leadrouter::dsl
