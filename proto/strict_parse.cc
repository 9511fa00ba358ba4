#include "proto/strict_parse.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/message.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/utf8.h"
#include "leadrouter/v1/errors.pb.h"

namespace leadrouter::proto {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

// protobuf's own limit (CodedInputStream's default recursion limit): deeper is refused by the
// generated parser too, so the walk names it instead of overflowing its stack.
constexpr int kMaxDepth = 100;

// Longest map key quoted in a path.
constexpr size_t kMaxQuotedKey = 64;

std::string Join(const std::string& path, absl::string_view name) {
  return path.empty() ? std::string(name) : absl::StrCat(path, ".", name);
}

// Reads a message's fields against its descriptor, stopping at the first problem. Fields the
// generated parser would keep as unknown fields (an unknown number, a known number with another
// wire type) are only checked for their framing, as the parser does.
class Walker {
 public:
  // `size`: the bytes of the stream walked, so that a length past its end is named as such.
  explicit Walker(size_t size) : size_(size) {}

  const std::optional<ParseProblem>& problem() const { return problem_; }

  bool Message(const Descriptor& descriptor, CodedInputStream& in, const std::string& path,
               int depth) {
    std::map<int, int> occurrences;  // per repeated field: the index of its next element
    while (true) {
      const uint32_t tag = in.ReadTag();
      if (tag == 0) {
        return in.ConsumedEntireMessage() || Fail(path, "malformed: field number 0 or a cut tag");
      }
      const int number = WireFormatLite::GetTagFieldNumber(tag);
      const WireFormatLite::WireType wire_type = WireFormatLite::GetTagWireType(tag);
      const FieldDescriptor* field = descriptor.FindFieldByNumber(number);
      if (field == nullptr || !Expected(*field, wire_type)) {
        if (!WireFormatLite::SkipField(&in, tag)) {
          return Fail(path, absl::StrCat("malformed unknown field ", number));
        }
        continue;
      }
      std::string field_path = Join(path, field->name());
      if (field->is_repeated() && !field->is_map()) {
        absl::StrAppend(&field_path, "[", occurrences[number]++, "]");
      }
      if (!Field(*field, wire_type, in, field_path, depth)) return false;
    }
  }

 private:
  // Whether the generated parser reads `wire_type` as `field` (not as an unknown field).
  static bool Expected(const FieldDescriptor& field, WireFormatLite::WireType wire_type) {
    const auto declared =
        WireFormatLite::WireTypeForFieldType(static_cast<WireFormatLite::FieldType>(field.type()));
    return wire_type == declared ||
           (field.is_packable() && wire_type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
  }

  bool Field(const FieldDescriptor& field, WireFormatLite::WireType wire_type, CodedInputStream& in,
             const std::string& path, int depth) {
    if (field.is_packable() && wire_type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      return Packed(field, in, path);
    }
    switch (field.type()) {
      case FieldDescriptor::TYPE_STRING: {
        std::string value;
        if (!WireFormatLite::ReadString(&in, &value)) return Fail(path, "truncated string");
        return Utf8(value, path);
      }
      case FieldDescriptor::TYPE_MESSAGE: {
        if (depth >= kMaxDepth) {
          return Fail(path, absl::StrCat("nested more than ", kMaxDepth, " messages deep"));
        }
        uint32_t length = 0;
        if (!in.ReadVarint32(&length) || length > Remaining(in)) {
          return Fail(path, "truncated message");
        }
        if (field.is_map()) {
          std::string entry;
          if (!in.ReadString(&entry, static_cast<int>(length))) {
            return Fail(path, "truncated map entry");
          }
          return MapEntry(field, entry, path, depth);
        }
        const CodedInputStream::Limit limit = in.PushLimit(static_cast<int>(length));
        if (!Message(*field.message_type(), in, path, depth + 1)) return false;
        if (in.BytesUntilLimit() > 0) return Fail(path, "truncated message");
        in.PopLimit(limit);
        return true;
      }
      default:
        return WireFormatLite::SkipField(&in, WireFormatLite::MakeTag(field.number(), wire_type)) ||
               Fail(path, "truncated value");
    }
  }

  // A packed run of scalars: its elements must fill it exactly.
  bool Packed(const FieldDescriptor& field, CodedInputStream& in, const std::string& path) {
    uint32_t length = 0;
    if (!in.ReadVarint32(&length) || length > Remaining(in)) {
      return Fail(path, "truncated packed values");
    }
    const CodedInputStream::Limit limit = in.PushLimit(static_cast<int>(length));
    const auto element_type =
        WireFormatLite::WireTypeForFieldType(static_cast<WireFormatLite::FieldType>(field.type()));
    while (in.BytesUntilLimit() > 0) {
      if (!WireFormatLite::SkipField(&in, WireFormatLite::MakeTag(field.number(), element_type))) {
        return Fail(path, "malformed packed values");
      }
    }
    in.PopLimit(limit);
    return true;
  }

  // A map entry is a message {key = 1; value = 2}. Its path follows the API's convention for
  // attributes: "lead.attributes.<key>" (and ".string_value" etc. inside the value).
  bool MapEntry(const FieldDescriptor& map, const std::string& entry, const std::string& path,
                int depth) {
    const Descriptor& entry_type = *map.message_type();
    std::string key = "<key>";
    if (entry_type.map_key()->type() == FieldDescriptor::TYPE_STRING) {
      CodedInputStream in(reinterpret_cast<const uint8_t*>(entry.data()),
                          static_cast<int>(entry.size()));
      while (const uint32_t tag = in.ReadTag()) {
        if (tag == WireFormatLite::MakeTag(1, WireFormatLite::WIRETYPE_LENGTH_DELIMITED)) {
          std::string text;
          if (!WireFormatLite::ReadString(&in, &text)) return Fail(path, "truncated map key");
          if (!Utf8(text, absl::StrCat(path, " (a key)"))) return false;
          key = text.size() > kMaxQuotedKey ? absl::StrCat(text.substr(0, kMaxQuotedKey), "...")
                                            : text;
        } else if (!WireFormatLite::SkipField(&in, tag)) {
          break;  // the walk below names it
        }
      }
    }
    CodedInputStream in(reinterpret_cast<const uint8_t*>(entry.data()),
                        static_cast<int>(entry.size()));
    Walker inner(entry.size());
    if (inner.Message(entry_type, in, "", depth + 1)) return true;
    std::string within = inner.problem_->field;
    if (within.rfind("value", 0) == 0) {
      within = within.substr(5);  // "value.string_value" -> ".string_value"
    } else if (within.rfind("key", 0) == 0) {
      within = " (a key)";
    } else if (!within.empty()) {
      within = absl::StrCat(".", within);
    }
    return Fail(absl::StrCat(path, ".", key, within), inner.problem_->description);
  }

  bool Utf8(const std::string& value, const std::string& path) {
    const size_t bad = dsl::utf8::FirstInvalid(value);
    if (bad == std::string_view::npos) return true;
    return Fail(path,
                absl::StrCat("not valid UTF-8 (", dsl::utf8::DescribeInvalidAt(value, bad), ")"));
  }

  // The bytes left in the innermost message being read (a length beyond them is cut short).
  size_t Remaining(const CodedInputStream& in) const {
    const int until_limit = in.BytesUntilLimit();
    if (until_limit >= 0) return static_cast<size_t>(until_limit);
    return size_ - static_cast<size_t>(in.CurrentPosition());
  }

  bool Fail(const std::string& path, std::string description) {
    problem_ = ParseProblem{path, std::move(description)};
    return false;
  }

  const size_t size_;
  std::optional<ParseProblem> problem_;
};

grpc::Status Invalid(const std::string& field, const std::string& description,
                     const std::string& message) {
  v1::BadRequest bad_request;
  v1::FieldViolation* violation = bad_request.add_field_violations();
  violation->set_field(field);
  violation->set_description(description);
  v1::ErrorStatus details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  details.set_message(message);
  details.add_details()->PackFrom(bad_request);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message, details.SerializeAsString());
}

}  // namespace

std::optional<ParseProblem> DiagnoseMessage(const Descriptor& descriptor, std::string_view bytes) {
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                      static_cast<int>(bytes.size()));
  Walker walker(bytes.size());
  if (walker.Message(descriptor, in, "", 0)) return std::nullopt;
  return walker.problem();
}

grpc::Status StrictDeserialize(grpc::ByteBuffer* buffer, google::protobuf::MessageLite* message) {
  if (buffer == nullptr) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the call carries no message");
  }
  grpc::ByteBuffer kept(*buffer);  // shares the slices (a reference count), copies no bytes
  grpc::Status status =
      grpc::GenericDeserialize<grpc::ProtoBufferReader, grpc::protobuf::MessageLite>(buffer,
                                                                                     message);
  if (status.ok()) return status;

  const auto* full = dynamic_cast<const google::protobuf::Message*>(message);
  const std::string type = message->GetTypeName();
  if (full == nullptr) {  // a lite message has no descriptor to walk
    return Invalid("", "malformed", absl::StrCat("the request is not a valid ", type));
  }
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (kept.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  const std::optional<ParseProblem> problem = DiagnoseMessage(*full->GetDescriptor(), bytes);
  if (!problem.has_value()) {
    return Invalid("", "malformed",
                   absl::StrCat("the request is not a valid ", type, " (malformed protobuf)"));
  }
  if (problem->field.empty()) {
    return Invalid("", problem->description,
                   absl::StrCat("the request is not a valid ", type, ": ", problem->description));
  }
  return Invalid(problem->field, problem->description,
                 absl::StrCat(problem->field, ": ", problem->description));
}

}  // namespace leadrouter::proto
