// Request parsing that answers a malformed message with INVALID_ARGUMENT naming the field, never
// with INTERNAL and an empty message.
//
// Why: generated proto3 parsers refuse a `string` field that is not UTF-8 (and any malformed
// framing), and gRPC's default SerializationTraits turn every parse failure into
// INTERNAL + InitializationErrorString(), which is "" in proto3, before any handler runs. So a
// client sending `FF FE` in `lead.source` learned nothing, and no code of ours could tell it more.
//
// How: gRPC 1.51's generated handlers type-erase messages to grpc::protobuf::MessageLite, so one
// explicit specialisation of SerializationTraits<MessageLite> (below) is used for every request of
// every service. It parses as gRPC does and, only when that fails, walks the bytes against the
// message's descriptor to find the first problem: INVALID_ARGUMENT
// "items[2].lead.tags[1]: not valid UTF-8 (0xFF is never used in UTF-8, at byte 0)", with a
// BadRequest detail naming the field, as server/api/errors.h does for every other bad field.
//
// The specialisation must be seen before any use of the traits in every translation unit (an
// explicit specialisation that some TUs miss is ill-formed, no diagnostic required): the build
// injects this header into every generated .grpc.pb.h with grpc_cpp_plugin's
// `additional_header_includes` (proto/CMakeLists.txt), so code that includes a stub sees it. The
// end-to-end test (tests/server/bad_input_test.cc) fails if a build ever loses it.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message_lite.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include <optional>
#include <string>
#include <string_view>

namespace leadrouter::proto {

// Where and why serialized bytes are not a valid message.
struct ParseProblem {
  // The field as the API spells paths: "lead.attributes.region.string_value", "items[2].actor".
  // Empty when the problem is in the framing around fields rather than in one field.
  std::string field;
  std::string description;  // "not valid UTF-8 (...)", "truncated string"
};

// The first problem of `bytes` read as a `descriptor` message; nullopt when none was found (the
// walk checks what proto3 parsers refuse: framing, UTF-8 of strings, nesting depth).
std::optional<ParseProblem> DiagnoseMessage(const google::protobuf::Descriptor& descriptor,
                                            std::string_view bytes);

// Parses `buffer` into `message` as gRPC's default traits do; when that fails, INVALID_ARGUMENT
// describing the first problem (with a leadrouter.v1.ErrorStatus detail holding a BadRequest).
grpc::Status StrictDeserialize(grpc::ByteBuffer* buffer, google::protobuf::MessageLite* message);

}  // namespace leadrouter::proto

template <>
class grpc::SerializationTraits<grpc::protobuf::MessageLite, void> {
 public:
  static grpc::Status Serialize(const grpc::protobuf::MessageLite& message,
                                grpc::ByteBuffer* buffer, bool* own_buffer) {
    return grpc::GenericSerialize<grpc::ProtoBufferWriter, grpc::protobuf::MessageLite>(
        message, buffer, own_buffer);
  }
  static grpc::Status Deserialize(grpc::ByteBuffer* buffer, grpc::protobuf::MessageLite* message) {
    return leadrouter::proto::StrictDeserialize(buffer, message);
  }
};

// The handlers of server-streaming methods are not type-erased: gRPC 1.51 deserializes their
// request through SerializationTraits<Request> itself, which the specialisation above does not
// reach. So each streaming method's request type is named here (declared only; the members are
// templates, instantiated where the type is complete) and parsed as strictly.
namespace leadrouter::v1 {
class WatchEventsRequest;
}  // namespace leadrouter::v1

template <>
class grpc::SerializationTraits<leadrouter::v1::WatchEventsRequest, void> {
 public:
  template <typename Message>
  static grpc::Status Serialize(const Message& message, grpc::ByteBuffer* buffer,
                                bool* own_buffer) {
    return grpc::GenericSerialize<grpc::ProtoBufferWriter, Message>(message, buffer, own_buffer);
  }
  template <typename Message>
  static grpc::Status Deserialize(grpc::ByteBuffer* buffer, Message* message) {
    return leadrouter::proto::StrictDeserialize(buffer, message);
  }
};
