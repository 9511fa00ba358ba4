#include "server/auth/token_table.h"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace leadrouter::server::auth {
namespace {

constexpr absl::string_view kHashPrefix = "sha256:";
constexpr size_t kHexDigits = 64;
constexpr size_t kMaxPrincipal = 128;

bool IsLowerHex(absl::string_view text) {
  for (const char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

bool IsValidPrincipal(absl::string_view name) {
  if (name.empty() || name.size() > kMaxPrincipal) return false;
  for (const char c : name) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string TokenHash(absl::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // SHA-256 cannot fail on a memory buffer; a zero length (never seen) would hash to no token.
  EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hash(kHashPrefix);
  for (unsigned int i = 0; i < length; ++i) {
    hash.push_back(kHex[digest[i] >> 4]);
    hash.push_back(kHex[digest[i] & 0xF]);
  }
  return hash;
}

absl::StatusOr<std::shared_ptr<const TokenTable>> TokenTable::Parse(absl::string_view text,
                                                                    absl::string_view file_name) {
  auto table = std::make_shared<TokenTable>();
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    const auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(file_name, ":", line_number, ": ", why));
    };
    if (const size_t comment = line.find('#'); comment != absl::string_view::npos) {
      line = line.substr(0, comment);
    }
    const std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (fields.empty()) continue;
    if (fields.size() != 3) {
      return fail("expected `sha256:<64 hex digits> <principal> <role>`");
    }
    const absl::string_view hash = fields[0];
    if (!absl::StartsWith(hash, kHashPrefix) || hash.size() != kHashPrefix.size() + kHexDigits ||
        !IsLowerHex(hash.substr(kHashPrefix.size()))) {
      // Never echo the field: it may be a token written in clear.
      return fail(
          "the first field must be sha256:<64 lower-case hex digits>, the hash of the token "
          "(`printf %s TOKEN | sha256sum`, docs/security.md), never the token itself");
    }
    if (!IsValidPrincipal(fields[1])) {
      return fail("the principal must be 1..128 characters without blanks");
    }
    const std::optional<Role> role = ParseRole(fields[2]);
    if (!role.has_value()) {
      return fail(absl::StrCat("unknown role `", fields[2].substr(0, 32),
                               "` (admin, manager, service or viewer)"));
    }
    if (!table->by_hash_.emplace(std::string(hash), Principal{std::string(fields[1]), *role})
             .second) {
      return fail("this token hash is already listed on an earlier line");
    }
  }
  return std::shared_ptr<const TokenTable>(std::move(table));
}

absl::StatusOr<std::shared_ptr<const TokenTable>> TokenTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read token file ", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(absl::StrCat("error reading token file ", path));
  return Parse(text.str(), path);
}

const Principal* TokenTable::Find(absl::string_view token) const {
  const auto found = by_hash_.find(TokenHash(token));
  return found == by_hash_.end() ? nullptr : &found->second;
}

}  // namespace leadrouter::server::auth
