#include "server/rules/rule_registry.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dsl/base/diagnostics.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/explanation_proto.h"
#include "server/api/page_token.h"
#include "server/api/validation.h"
#include "storage/read_view.h"
#include "storage/rule_version_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

constexpr char kVersionsPrefix[] = "rules/versions/";

// "rules/versions/7" -> 7; `allow_active` also accepts "" and "rules/versions/active" (-> 0).
absl::StatusOr<int64_t> ParseVersionName(const std::string& name, bool allow_active) {
  if (allow_active && (name.empty() || name == "rules/versions/active")) return 0;
  int64_t version = 0;
  if (!absl::StartsWith(name, kVersionsPrefix) ||
      !absl::SimpleAtoi(absl::string_view(name).substr(sizeof(kVersionsPrefix) - 1), &version) ||
      version <= 0) {
    return InvalidField("name", absl::StrCat("must be rules/versions/{version} with version >= 1",
                                             allow_active ? " (or rules/versions/active)" : "",
                                             ", got \"", name.substr(0, 200), "\""));
  }
  return version;
}

std::string FirstError(const std::vector<v1::Diagnostic>& diagnostics) {
  for (const v1::Diagnostic& d : diagnostics) {
    if (d.severity() != v1::SEVERITY_ERROR) continue;
    return absl::StrCat(d.range().file(), ":", d.range().line(), ":", d.range().column(), ": ",
                        d.message());
  }
  return "the rules have errors";
}

absl::Status CheckSource(const std::string& source, absl::string_view field) {
  if (source.size() > kMaxRuleSourceBytes) {
    return TooLarge(field,
                    absl::StrCat("rule source is ", source.size(), " bytes; the limit is ",
                                 kMaxRuleSourceBytes, " (1 MiB)"),
                    "SOURCE_TOO_LARGE");
  }
  return CheckText(source, field, kMaxRuleSourceBytes, false);
}

int32_t RuleCount(const dsl::Program& program) {
  return static_cast<int32_t>(program.rules().size() + (program.has_otherwise() ? 1 : 0));
}

}  // namespace

RuleRegistry::RuleRegistry(storage::Storage& storage, const Clock& clock)
    : storage_(storage), clock_(clock), active_(std::make_shared<const ActiveRules>()) {}

RuleRegistry::Compiled RuleRegistry::CompileSource(const std::string& file_name,
                                                   const std::string& source) {
  Compiled compiled;
  auto file = std::make_shared<const dsl::SourceFile>(file_name, source);
  dsl::CompileResult result = dsl::Compile(*file);
  compiled.program = std::move(result.program);
  compiled.diagnostics = ToDiagnosticsProto(*file, result.diagnostics);
  compiled.source = std::move(file);
  for (const v1::Diagnostic& d : compiled.diagnostics) {
    compiled.has_errors |= d.severity() == v1::SEVERITY_ERROR;
    compiled.has_warnings |= d.severity() == v1::SEVERITY_WARNING;
  }
  if (compiled.program == nullptr) compiled.has_errors = true;
  return compiled;
}

absl::Status RuleRegistry::Load(const std::string& initial_rules_file) {
  storage::DatabaseView view(storage_.database());
  ASSIGN_OR_RETURN(uint64_t active, storage::ReadActiveRuleVersion(view));
  if (active > 0) {
    ASSIGN_OR_RETURN(std::optional<v1::RuleVersion> stored, storage::ReadRuleVersion(view, active));
    if (!stored.has_value()) {
      return absl::DataLossError(absl::StrCat("active rule version ", active, " is missing"));
    }
    const v1::RuleVersion& version = *stored;
    Compiled compiled = CompileSource(version.file_name(), version.source());
    if (compiled.has_errors) {
      return absl::FailedPreconditionError(
          absl::StrCat("active rule version ", active,
                       " no longer compiles: ", FirstError(compiled.diagnostics)));
    }
    Activate(version.version(), compiled, version.content_hash());
    spdlog::info("rules active version={} file={} rules={}", version.version(), version.file_name(),
                 RuleCount(*compiled.program));
    return absl::OkStatus();
  }
  if (initial_rules_file.empty()) {
    spdlog::warn("rules none published; every lead stays unassigned until a Publish");
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(dsl::SourceFile file, dsl::ReadSourceFile(initial_rules_file));
  Compiled compiled = CompileSource(initial_rules_file, file.text());
  if (compiled.has_errors) {
    dsl::CompileResult result = dsl::Compile(file);
    return absl::InvalidArgumentError(absl::StrCat("--rules ", initial_rules_file,
                                                   " does not compile:\n",
                                                   dsl::RenderText(file, result.diagnostics)));
  }
  v1::RuleVersion version;
  version.set_author("leadrouterd");
  version.set_message(absl::StrCat("initial rules from --rules ", initial_rules_file));
  version.set_file_name(initial_rules_file);
  version.set_source(file.text());
  version.set_rule_count(RuleCount(*compiled.program));
  ASSIGN_OR_RETURN(Stored stored, Store(std::move(version), std::nullopt, false, CallContext{}));
  Activate(stored.version.version(), compiled, stored.version.content_hash());
  spdlog::info("rules published version={} file={} author=leadrouterd", stored.version.version(),
               initial_rules_file);
  return absl::OkStatus();
}

std::shared_ptr<const ActiveRules> RuleRegistry::Active() const {
  std::lock_guard lock(mu_);
  return active_;
}

void RuleRegistry::OnActivated(std::function<void(int64_t version)> listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

void RuleRegistry::Activate(int64_t version, const Compiled& compiled,
                            const std::string& content_hash) {
  auto next = std::make_shared<ActiveRules>();
  next->version = version;
  next->program = compiled.program;
  next->source = compiled.source;
  next->content_hash = content_hash;
  std::vector<std::function<void(int64_t)>> listeners;
  {
    std::lock_guard lock(mu_);
    if (active_->version >= version) return;
    active_ = std::move(next);
    listeners = listeners_;
  }
  for (const auto& listener : listeners) listener(version);
}

absl::StatusOr<RuleRegistry::Stored> RuleRegistry::Store(
    v1::RuleVersion version, std::optional<int64_t> expected_active_version, bool validate_only,
    const CallContext& call) {
  Stored result;
  const std::string hash = storage::ContentHash(version.source());
  RETURN_IF_ERROR(storage_.commits().Commit(
      [&](storage::WriteTxn& txn) -> absl::Status {
        RETURN_IF_ERROR(call.CheckDeadline());
        ASSIGN_OR_RETURN(uint64_t active, storage::ReadActiveRuleVersion(txn));
        if (expected_active_version && *expected_active_version != static_cast<int64_t>(active)) {
          return Aborted("VERSION_MISMATCH",
                         absl::StrCat("expected_active_version is ", *expected_active_version,
                                      " but the active version is ", active));
        }
        if (active > 0) {
          ASSIGN_OR_RETURN(std::optional<v1::RuleVersion> current,
                           storage::ReadRuleVersion(txn, active));
          if (current.has_value()) {
            result.previous = *current;
            result.previous.clear_source();
            if (current->content_hash() == hash) {
              result.version = result.previous;
              result.unchanged = true;
              return absl::OkStatus();
            }
          }
        }
        storage::ChangeInfo change;
        change.actor = version.author();
        change.action = version.restored_from() > 0 ? "rules.rollback" : "rules.publish";
        change.detail = version.message();
        change.now_us = absl::ToUnixMicros(clock_.Now());
        if (validate_only) {
          result.version = version;
          result.version.set_version(static_cast<int64_t>(active) + 1);
          result.version.set_content_hash(hash);
          *result.version.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(change.now_us);
          result.version.clear_source();
          return absl::OkStatus();
        }
        ASSIGN_OR_RETURN(v1::RuleVersion stored,
                         storage::PublishRuleVersion(txn, std::move(version), change));
        result.version = std::move(stored);
        return absl::OkStatus();
      },
      call.principal));
  return result;
}

absl::StatusOr<v1::PublishResponse> RuleRegistry::Publish(const v1::PublishRequest& request,
                                                          const CallContext& call) {
  RETURN_IF_ERROR(CheckSource(request.source(), "source"));
  RETURN_IF_ERROR(CheckText(request.author(), "author", 128, true));
  RETURN_IF_ERROR(CheckText(request.message(), "message", 4096, true));
  RETURN_IF_ERROR(CheckText(request.file_name(), "file_name", 256, false));
  const std::string file_name = request.file_name().empty() ? "inline.rules" : request.file_name();

  Compiled compiled = CompileSource(file_name, request.source());
  if (compiled.has_errors) {
    return WithDiagnostics(
        WithReason(absl::InvalidArgumentError(FirstError(compiled.diagnostics)), "RULE_ERRORS"),
        compiled.diagnostics);
  }
  if (request.deny_warnings() && compiled.has_warnings) {
    return WithDiagnostics(Precondition("RULE_WARNINGS", file_name,
                                        "the source has warnings and deny_warnings is set"),
                           compiled.diagnostics);
  }
  v1::RuleVersion version;
  version.set_author(request.author());
  version.set_message(request.message());
  version.set_file_name(file_name);
  version.set_source(request.source());
  version.set_rule_count(RuleCount(*compiled.program));
  std::optional<int64_t> expected;
  if (request.has_expected_active_version()) expected = request.expected_active_version();
  ASSIGN_OR_RETURN(Stored stored,
                   Store(std::move(version), expected, request.validate_only(), call));

  v1::PublishResponse response;
  response.set_unchanged(stored.unchanged);
  for (const v1::Diagnostic& d : compiled.diagnostics) *response.add_diagnostics() = d;
  *response.mutable_version() = stored.version;
  response.mutable_version()->clear_source();
  if (!stored.unchanged && !request.validate_only()) {
    Activate(stored.version.version(), compiled, stored.version.content_hash());
    spdlog::info("rules published version={} author={} file={}", stored.version.version(),
                 request.author(), file_name);
  }
  return response;
}

absl::StatusOr<v1::RollbackResponse> RuleRegistry::Rollback(const v1::RollbackRequest& request,
                                                            const CallContext& call) {
  ASSIGN_OR_RETURN(int64_t target, ParseVersionName(request.name(), false));
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, true));
  RETURN_IF_ERROR(CheckText(request.reason(), "reason", 1024, true));
  ASSIGN_OR_RETURN(std::optional<v1::RuleVersion> old, [&] {
    storage::DatabaseView view(storage_.database());
    return storage::ReadRuleVersion(view, static_cast<uint64_t>(target));
  }());
  if (!old.has_value()) return NotFound(request.name());
  const v1::RuleVersion& source = *old;
  Compiled compiled = CompileSource(source.file_name(), source.source());
  if (compiled.has_errors) {
    return WithDiagnostics(Precondition("RULE_ERRORS", request.name(),
                                        absl::StrCat(request.name(), " no longer compiles: ",
                                                     FirstError(compiled.diagnostics))),
                           compiled.diagnostics);
  }
  v1::RuleVersion version;
  version.set_author(request.actor());
  version.set_message(absl::StrCat("rollback to version ", target, ": ", request.reason()));
  version.set_file_name(source.file_name());
  version.set_source(source.source());
  version.set_restored_from(target);
  version.set_rule_count(RuleCount(*compiled.program));
  std::optional<int64_t> expected;
  if (request.has_expected_active_version()) expected = request.expected_active_version();
  ASSIGN_OR_RETURN(Stored stored, Store(std::move(version), expected, false, call));

  v1::RollbackResponse response;
  response.set_unchanged(stored.unchanged);
  *response.mutable_version() = stored.version;
  response.mutable_version()->clear_source();
  *response.mutable_previous() = stored.previous;
  response.mutable_previous()->set_active(stored.unchanged);
  if (!stored.unchanged) {
    Activate(stored.version.version(), compiled, stored.version.content_hash());
    spdlog::info("rules rolled_back version={} restored_from={} actor={}", stored.version.version(),
                 target, request.actor());
  }
  return response;
}

absl::StatusOr<v1::GetRulesResponse> RuleRegistry::GetRules(
    const v1::GetRulesRequest& request) const {
  ASSIGN_OR_RETURN(int64_t wanted, ParseVersionName(request.name(), true));
  storage::DatabaseView view(storage_.database());
  int64_t number = wanted;
  if (number == 0) {
    ASSIGN_OR_RETURN(uint64_t active, storage::ReadActiveRuleVersion(view));
    if (active == 0) return NotFound("rules/versions/active", "no rule version is published yet");
    number = static_cast<int64_t>(active);
  }
  ASSIGN_OR_RETURN(std::optional<v1::RuleVersion> stored,
                   storage::ReadRuleVersion(view, static_cast<uint64_t>(number)));
  if (!stored.has_value()) return NotFound(absl::StrCat(kVersionsPrefix, number));
  v1::GetRulesResponse response;
  *response.mutable_version() = *stored;
  const Compiled compiled = CompileSource(stored->file_name(), stored->source());
  if (compiled.program != nullptr) {
    for (v1::RuleInfo& info : ToRuleInfos(*compiled.program, *compiled.source, number)) {
      *response.add_rules() = std::move(info);
    }
  }
  return response;
}

absl::StatusOr<v1::ListVersionsResponse> RuleRegistry::ListVersions(
    const v1::ListVersionsRequest& request) const {
  ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size(), 20, 100));
  const uint64_t fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(std::string position, DecodePageToken(request.page_token(), fingerprint));
  uint64_t before = 0;
  if (!position.empty() && !absl::SimpleAtoi(position, &before)) {
    return InvalidField("page_token", "not a token this server issued");
  }
  const bool has_start = request.create_time().has_start_time();
  const bool has_end = request.create_time().has_end_time();
  if (has_start) {
    RETURN_IF_ERROR(CheckTimestamp(request.create_time().start_time(), "create_time.start_time"));
  }
  if (has_end) {
    RETURN_IF_ERROR(CheckTimestamp(request.create_time().end_time(), "create_time.end_time"));
  }
  const int64_t start_us =
      has_start ? TimeUtil::TimestampToMicroseconds(request.create_time().start_time()) : 0;
  const int64_t end_us =
      has_end ? TimeUtil::TimestampToMicroseconds(request.create_time().end_time()) : 0;

  storage::DatabaseView view(storage_.database());
  v1::ListVersionsResponse response;
  ASSIGN_OR_RETURN(uint64_t active, storage::ReadActiveRuleVersion(view));
  response.set_active_version(static_cast<int64_t>(active));
  uint64_t last = 0;
  bool more = false;
  RETURN_IF_ERROR(storage::ListRuleVersions(view, before, [&](const v1::RuleVersion& version) {
    if (!request.author().empty() && version.author() != request.author()) return true;
    const int64_t created = TimeUtil::TimestampToMicroseconds(version.create_time());
    if ((has_start && created < start_us) || (has_end && created >= end_us)) return true;
    if (response.versions_size() == page_size) {
      more = true;
      return false;
    }
    v1::RuleVersion* out = response.add_versions();
    *out = version;
    out->clear_source();
    last = static_cast<uint64_t>(version.version());
    return true;
  }));
  if (more) response.set_next_page_token(EncodePageToken(absl::StrCat(last), fingerprint));
  return response;
}

}  // namespace leadrouter::server
