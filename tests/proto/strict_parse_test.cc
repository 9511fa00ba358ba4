// The strict request parser: a request that protobuf refuses is described by the field at fault
// (INVALID_ARGUMENT), never answered INTERNAL with an empty message. Wire bytes are made by
// serializing a valid message with a placeholder and replacing the placeholder's bytes, so each
// case is the real encoding with exactly one defect.
#include "proto/strict_parse.h"

#include <gtest/gtest.h>

#include <string>

#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/errors.pb.h"

namespace leadrouter::proto {
namespace {

constexpr char kPlaceholder[] = "@@";

// `message` serialized, with the first kPlaceholder replaced by `bytes` (of the same length).
std::string WireWith(const google::protobuf::Message& message, const std::string& bytes) {
  std::string wire = message.SerializeAsString();
  const size_t at = wire.find(kPlaceholder);
  EXPECT_NE(at, std::string::npos);
  EXPECT_EQ(bytes.size(), std::string(kPlaceholder).size());
  if (at != std::string::npos) wire.replace(at, bytes.size(), bytes);
  return wire;
}

std::string Describe(const google::protobuf::Message& prototype, const std::string& wire) {
  const std::optional<ParseProblem> problem = DiagnoseMessage(*prototype.GetDescriptor(), wire);
  if (!problem.has_value()) return "(no problem found)";
  return problem->field.empty() ? problem->description
                                : problem->field + ": " + problem->description;
}

TEST(DiagnoseMessageTest, NamesTheStringFieldThatIsNotUtf8) {
  v1::AssignRequest request;
  request.mutable_lead()->set_name("leads/a");
  request.mutable_lead()->set_source(kPlaceholder);
  EXPECT_EQ(Describe(request, WireWith(request, "\xFF\xFE")),
            "lead.source: not valid UTF-8 (0xFF is never used in UTF-8, at byte 0)");
  EXPECT_EQ(Describe(request, WireWith(request, "\xC0\x80")),
            "lead.source: not valid UTF-8 (0xC0 0x80 is an overlong encoding, at byte 0)");
}

TEST(DiagnoseMessageTest, CountsRepeatedFieldsAndMapEntries) {
  v1::AssignBatchRequest batch;
  batch.add_items()->mutable_lead()->set_name("leads/a");
  v1::Lead* lead = batch.add_items()->mutable_lead();
  lead->set_name("leads/b");
  (*lead->mutable_attributes())["region"].set_string_value(kPlaceholder);
  EXPECT_EQ(Describe(batch, WireWith(batch, "a\xFF")),
            "items[1].lead.attributes.region.string_value: not valid UTF-8 (0xFF is never used "
            "in UTF-8, at byte 1)");

  v1::AssignRequest request;
  (*request.mutable_lead()->mutable_attributes())[kPlaceholder].set_number_value(1);
  EXPECT_EQ(Describe(request, WireWith(request, "\xED\xA0")),
            "lead.attributes (a key): not valid UTF-8 (0xED 0xA0 is cut short, at byte 0)");

  v1::AssignRequest listed;
  auto* values = (*listed.mutable_lead()->mutable_attributes())["tags"].mutable_string_list_value();
  values->add_values("fine");
  values->add_values(kPlaceholder);
  EXPECT_EQ(Describe(listed, WireWith(listed, "\xC1\xBF")),
            "lead.attributes.tags.string_list_value.values[1]: not valid UTF-8 (0xC1 0xBF is an "
            "overlong encoding, at byte 0)");
}

TEST(DiagnoseMessageTest, NamesBrokenFraming) {
  v1::AssignRequest request;
  request.mutable_lead()->set_name("leads/a");
  request.set_actor("someone");
  const std::string wire = request.SerializeAsString();
  EXPECT_EQ(Describe(request, wire.substr(0, wire.size() - 1)), "actor: truncated string");
  EXPECT_EQ(Describe(request, wire.substr(0, 5)), "lead: truncated message");
  EXPECT_EQ(Describe(request, std::string("\x00", 1) + wire),
            "malformed: field number 0 or a cut tag");
  // A varint of eleven bytes in an unknown field.
  EXPECT_EQ(Describe(request, wire + "\xF8\x06" + std::string(11, '\xFF')),
            "malformed unknown field 111");
}

TEST(DiagnoseMessageTest, FindsNothingInValidMessages) {
  v1::AssignRequest request;
  request.mutable_lead()->set_name("leads/a");
  request.mutable_lead()->set_source("caf\xC3\xA9 \xF0\x9F\x98\x80");
  (*request.mutable_lead()->mutable_attributes())["x"].set_string_value("\xE4\xB8\xAD");
  EXPECT_FALSE(DiagnoseMessage(*request.GetDescriptor(), request.SerializeAsString()).has_value());
  // Unknown fields are legal, and a known field sent with another wire type is kept as an unknown
  // one by protobuf: neither is a problem.
  EXPECT_FALSE(DiagnoseMessage(*request.GetDescriptor(),
                               request.SerializeAsString() + "\xF8\x06\x01" + "\x08\x05")
                   .has_value());
}

TEST(DiagnoseMessageTest, StopsAtProtobufsNestingLimit) {
  // Unknown groups nested 100,000 deep: skipping them stops at protobuf's recursion limit, and
  // the walk reports that instead of overflowing its stack.
  std::string groups;
  for (int i = 0; i < 100000; ++i) groups += "\x0B";  // start group, field 1
  v1::AssignRequest request;
  const std::optional<ParseProblem> problem =
      DiagnoseMessage(*request.GetDescriptor(), "\xF8\x06\x01" + groups);
  EXPECT_TRUE(problem.has_value());
}

TEST(StrictDeserializeTest, AnswersInvalidArgumentWithABadRequestDetail) {
  v1::AssignRequest request;
  request.mutable_lead()->set_name("leads/a");
  request.mutable_lead()->set_source(kPlaceholder);
  const std::string wire = WireWith(request, "\xFF\xFE");
  grpc::Slice slice(wire);
  grpc::ByteBuffer buffer(&slice, 1);
  v1::AssignRequest parsed;
  const grpc::Status status = StrictDeserialize(&buffer, &parsed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "lead.source: not valid UTF-8 (0xFF is never used in UTF-8, at byte 0)");
  v1::ErrorStatus details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  v1::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "lead.source");
}

TEST(StrictDeserializeTest, ParsesValidMessagesAsBefore) {
  v1::AssignRequest request;
  request.mutable_lead()->set_name("leads/a");
  request.set_actor("\xF0\x9F\x98\x80");
  const std::string wire = request.SerializeAsString();
  grpc::Slice slice(wire);
  grpc::ByteBuffer buffer(&slice, 1);
  v1::AssignRequest parsed;
  ASSERT_TRUE(StrictDeserialize(&buffer, &parsed).ok());
  EXPECT_EQ(parsed.lead().name(), "leads/a");
  EXPECT_EQ(parsed.actor(), "\xF0\x9F\x98\x80");
}

}  // namespace
}  // namespace leadrouter::proto
