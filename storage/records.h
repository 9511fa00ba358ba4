// Typed reads and writes of one protobuf value: the helpers every store is built from.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "dsl/base/status_macros.h"
#include "storage/read_view.h"
#include "storage/value_codec.h"
#include "storage/write_txn.h"

namespace leadrouter::storage {

// The message stored at `key`, nullopt when absent, DATA_LOSS when it does not decode.
template <typename Message>
[[nodiscard]] absl::StatusOr<std::optional<Message>> ReadMessage(const ReadView& view,
                                                                 ColumnFamily cf,
                                                                 absl::string_view key,
                                                                 absl::string_view what) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, view.Get(cf, key));
  if (!bytes.has_value()) return std::nullopt;
  Message message;
  RETURN_IF_ERROR(DecodeProto(*bytes, message, what));
  return message;
}

[[nodiscard]] inline absl::Status WriteMessage(WriteTxn& txn, ColumnFamily cf,
                                               absl::string_view key,
                                               const google::protobuf::MessageLite& message) {
  return txn.Put(cf, key, EncodeProto(message));
}

// As WriteMessage for a record only its own mutation writes, encoded when the commit group is
// (WriteTxn::PutLater); `message` moves into the encoder.
template <typename Message>
[[nodiscard]] absl::Status WriteMessageLater(WriteTxn& txn, ColumnFamily cf, std::string key,
                                             Message message) {
  return txn.PutLater(cf, std::move(key),
                      [message = std::move(message)]() mutable { return EncodeProto(message); });
}

}  // namespace leadrouter::storage
