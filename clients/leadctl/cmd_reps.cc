// leadctl reps add|list|status|remove: the rep roster on the server (RepService).
//
//   leadctl reps add --file reps.csv                      # bulk, the roster file is the truth
//   leadctl reps add ana --team enterprise --level 5 --skill tech=5 --channel phone
//   leadctl reps list --team smb --status active
//   leadctl reps status ana away --until 2h --reason "dentist" --actor maria
//   leadctl reps remove gus --reassign --actor maria --reason "left the company"
//
// Exit 0 ok, 1 the server refused (no such rep, open leads on remove, ...), 2 unusable input or
// an unreachable server.
#include <algorithm>
#include <cmath>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/common/paging.h"
#include "clients/common/proto_input.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/common/text_table.h"
#include "clients/leadctl/commands.h"
#include "dsl/base/status_macros.h"
#include "dsl/data/dataset.h"
#include "dsl/decision/periods.h"
#include "leadrouter/v1/reps.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

using client::kExitNo;
using client::kExitOk;
using client::kExitUnusable;

std::unique_ptr<v1::RepService::Stub> RepStub(const client::ServerArgs& server) {
  return v1::RepService::NewStub(client::Connect(server));
}

std::string SkillsText(const v1::Rep& rep) {
  std::vector<std::pair<std::string, int>> skills(rep.skills().begin(), rep.skills().end());
  std::sort(skills.begin(), skills.end());
  std::vector<std::string> items;
  for (const auto& [skill, level] : skills) items.push_back(absl::StrCat(skill, ":", level));
  return absl::StrJoin(items, ";");
}

std::string ChannelsText(const v1::Rep& rep) {
  std::vector<std::string> items;
  for (const int channel : rep.channels()) {
    items.push_back(client::ChannelText(static_cast<v1::Channel>(channel)));
  }
  return absl::StrJoin(items, ";");
}

std::string CapsText(const v1::Rep& rep) {
  std::vector<std::string> caps;
  if (rep.has_daily_cap()) caps.push_back(absl::StrCat(rep.daily_cap(), "/day"));
  if (rep.has_max_open()) caps.push_back(absl::StrCat(rep.max_open(), " open"));
  return absl::StrJoin(caps, ", ");
}

std::string StatusText(const v1::Rep& rep) {
  std::string text = client::RepStatusText(rep.status());
  if (rep.has_away_until()) absl::StrAppend(&text, " until ", client::FormatTime(rep.away_until()));
  return text;
}

// ---------------------------------------------------------------------------------------------
// add

struct AddArgs {
  client::ServerArgs server;
  std::string file;
  std::string id;
  std::string name;
  std::string team;
  int level = 0;
  std::string region;
  std::vector<std::string> skills;
  std::vector<std::string> tags;
  std::vector<std::string> channels;
  std::string status;
  int daily_cap = 0;
  int max_open = 0;
  std::vector<std::string> attributes;
  // The working schedule (Rep.schedule): given together, they replace it.
  std::string time_zone;
  std::string hours;
  std::vector<std::string> holidays;
  std::string actor;
  bool replace = false;
  // Which field options were given (CLI11 counts them).
  std::vector<std::pair<std::string, CLI::Option*>> field_options;
};

v1::Value TypedValue(const std::string& text) {
  v1::Value value;
  double number = 0;
  if (absl::SimpleAtod(text, &number) && std::isfinite(number)) {
    value.set_number_value(number);
  } else if (text == "true" || text == "false") {
    value.set_bool_value(text == "true");
  } else {
    value.set_string_value(text);
  }
  return value;
}

// The rep described by the flags, and the update mask naming exactly the flags given.
absl::StatusOr<v1::UpsertRepRequest> SingleRepRequest(const AddArgs& args) {
  v1::UpsertRepRequest request;
  v1::Rep& rep = *request.mutable_rep();
  rep.set_name(client::RepName(args.id));
  rep.set_display_name(args.name);
  rep.set_team(args.team);
  rep.set_level(args.level);
  rep.set_region(args.region);
  auto& mask = *request.mutable_update_mask();
  bool schedule = false;
  for (const auto& [path, option] : args.field_options) {
    if (option->count() == 0) continue;
    if (path == "skills" || path == "attributes") continue;  // per entry, below
    if (path == "schedule") {
      if (schedule) continue;  // one path for its three options
      schedule = true;
    }
    mask.add_paths(path);
  }
  if (schedule) {
    v1::WorkSchedule& work = *rep.mutable_schedule();
    work.set_time_zone(args.time_zone);
    work.set_hours(args.hours);
    for (const std::string& day : args.holidays) work.add_holidays(day);
  }
  for (const std::string& skill : args.skills) {
    const absl::StatusOr<client::NameValue> pair = client::SplitAssignment(skill);
    int level = 0;
    if (!pair.ok() || !absl::SimpleAtoi(pair->value, &level)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--skill \"", skill, "\" is not name=level (e.g. tech=3)"));
    }
    (*rep.mutable_skills())[pair->name] = level;
    mask.add_paths(absl::StrCat("skills.", pair->name));
  }
  for (const std::string& tag : args.tags) rep.add_tags(tag);
  for (const std::string& text : args.channels) {
    ASSIGN_OR_RETURN(v1::Channel channel, client::ParseChannel(text));
    rep.add_channels(channel);
  }
  if (!args.status.empty()) {
    ASSIGN_OR_RETURN(v1::RepStatus status, client::ParseRepStatus(args.status));
    rep.set_status(status);
  }
  for (const auto& [path, option] : args.field_options) {
    if (option->count() == 0) continue;
    if (path == "daily_cap") rep.set_daily_cap(args.daily_cap);
    if (path == "max_open") rep.set_max_open(args.max_open);
  }
  for (const std::string& attribute : args.attributes) {
    ASSIGN_OR_RETURN(const client::NameValue pair, client::SplitAssignment(attribute));
    (*rep.mutable_attributes())[pair.name] = TypedValue(pair.value);
    mask.add_paths(absl::StrCat("attributes.", pair.name));
  }
  if (args.replace) mask.clear_paths();  // empty mask: replace every input field
  request.set_actor(args.actor);
  return request;
}

client::TextTable AddedTable() {
  return client::TextTable({"REP", "NAME", "TEAM", "STATUS", "LEVEL", "SKILLS", "RESULT"});
}

void AddAddedRow(client::TextTable& table, const v1::Rep& rep, const std::string& result) {
  table.AddRow({std::string(client::ShortName(rep.name())), rep.display_name(), rep.team(),
                StatusText(rep), absl::StrCat(rep.level()), SkillsText(rep), result});
}

int RunAddFile(const AddArgs& args) {
  absl::StatusOr<std::vector<dsl::RepInfo>> roster = dsl::ReadRepsFile(args.file);
  if (!roster.ok()) return client::ReportUnusable(roster.status());
  std::vector<v1::Rep> reps;
  for (const dsl::RepInfo& info : *roster) {
    absl::StatusOr<v1::Rep> rep = client::RepFromInfo(info);
    if (!rep.ok()) {
      std::cerr << "leadctl: " << args.file << ": " << rep.status().message() << '\n';
      return kExitUnusable;
    }
    reps.push_back(*std::move(rep));
  }
  auto stub = RepStub(args.server);
  client::TextTable table = AddedTable();
  v1::ListRepsResponse json;  // the reps as stored, for --format json
  int exit_code = kExitOk;
  for (const v1::Rep& rep : reps) {
    v1::UpsertRepRequest request;
    *request.mutable_rep() = rep;  // empty update mask: the file replaces every field
    request.set_actor(args.actor);
    v1::UpsertRepResponse response;
    const grpc::Status status =
        client::Call(args.server, *stub, &v1::RepService::Stub::Upsert, request, response);
    if (!status.ok()) {
      exit_code = std::max(exit_code, client::ReportFailure("Upsert", status));
      if (client::IsServerFailure(status.error_code())) return kExitUnusable;
      AddAddedRow(table, rep, "failed");
      continue;
    }
    AddAddedRow(table, response.rep(), response.created() ? "created" : "updated");
    *json.add_reps() = response.rep();
  }
  if (args.server.json()) {
    json.set_total_size(json.reps_size());
    std::cout << client::ToJson(json);
  } else {
    std::cout << table.Render();
  }
  return exit_code;
}

int RunAdd(const AddArgs& args) {
  if (!args.file.empty()) {
    if (!args.id.empty()) {
      std::cerr << "leadctl: give either --file or a rep id with its fields, not both\n";
      return kExitUnusable;
    }
    return RunAddFile(args);
  }
  if (args.id.empty()) {
    std::cerr << "leadctl: give a rep id (reps add ID --team ...) or --file reps.csv\n";
    return kExitUnusable;
  }
  absl::StatusOr<v1::UpsertRepRequest> request = SingleRepRequest(args);
  if (!request.ok()) return client::ReportUnusable(request.status());
  auto stub = RepStub(args.server);
  if (request->update_mask().paths().empty() && !args.replace) {
    // No field given: create the rep with defaults, but never wipe an existing one.
    v1::GetRepRequest get;
    get.set_name(request->rep().name());
    v1::GetRepResponse existing;
    const grpc::Status status =
        client::Call(args.server, *stub, &v1::RepService::Stub::Get, get, existing);
    if (status.ok()) {
      if (args.server.json()) {
        std::cout << client::ToJson(existing);
      } else {
        client::TextTable table = AddedTable();
        AddAddedRow(table, existing.rep(), "unchanged (no field given)");
        std::cout << table.Render();
      }
      return kExitOk;
    }
    if (status.error_code() != grpc::StatusCode::NOT_FOUND) {
      return client::ReportFailure("Get", status);
    }
  }
  v1::UpsertRepResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::RepService::Stub::Upsert, *request, response);
  if (!status.ok()) return client::ReportFailure("Upsert", status);
  if (args.server.json()) {
    std::cout << client::ToJson(response);
  } else {
    client::TextTable table = AddedTable();
    AddAddedRow(table, response.rep(), response.created() ? "created" : "updated");
    std::cout << table.Render();
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// list

struct ListArgs {
  client::ServerArgs server;
  std::string team;
  std::vector<std::string> statuses;
  std::string region;
  std::string skill;
  std::vector<std::string> tags;
};

int RunList(const ListArgs& args) {
  v1::ListRepsRequest request;
  request.set_team(args.team);
  for (const std::string& text : args.statuses) {
    absl::StatusOr<v1::RepStatus> status = client::ParseRepStatus(text);
    if (!status.ok()) return client::ReportUnusable(status.status());
    request.add_statuses(*status);
  }
  request.set_region(args.region);
  request.set_skill(args.skill);
  for (const std::string& tag : args.tags) request.add_tags(tag);

  auto stub = RepStub(args.server);
  v1::ListRepsResponse all;
  const grpc::Status status = client::CollectPages(
      /*limit=*/0, 1000,
      [&](int page_size, const std::string& token, v1::ListRepsResponse& page) {
        request.set_page_size(page_size);
        request.set_page_token(token);
        grpc::Status called =
            client::Call(args.server, *stub, &v1::RepService::Stub::List, request, page);
        all.set_total_size(page.total_size());
        return called;
      },
      [](v1::ListRepsResponse& response) { return response.mutable_reps(); }, all);
  if (!status.ok()) return client::ReportFailure("List", status);
  if (args.server.json()) {
    std::cout << client::ToJson(all);
    return kExitOk;
  }
  client::TextTable table({"REP", "NAME", "TEAM", "STATUS", "LEVEL", "REGION", "SKILLS", "TAGS",
                           "CHANNELS", "CAPS", "TODAY", "OPEN"});
  for (const v1::Rep& rep : all.reps()) {
    table.AddRow({std::string(client::ShortName(rep.name())), rep.display_name(), rep.team(),
                  StatusText(rep), absl::StrCat(rep.level()), rep.region(), SkillsText(rep),
                  absl::StrJoin(rep.tags(), ";"), ChannelsText(rep), CapsText(rep),
                  absl::StrCat(rep.load().assigned_today()),
                  absl::StrCat(rep.load().open_leads())});
  }
  std::cout << table.Render();
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// status

struct StatusArgs {
  client::ServerArgs server;
  std::string rep;
  std::string status;
  std::string until;
  std::string actor;
  std::string reason;
};

// RFC 3339 (or the other forms of dsl::ParseInstant, in UTC), or a duration from now ("2h").
absl::StatusOr<int64_t> ParseUntil(const std::string& text) {
  absl::StatusOr<int64_t> instant = dsl::ParseInstant(text, absl::UTCTimeZone());
  if (instant.ok()) return instant;
  absl::Duration duration;
  if (absl::ParseDuration(text, &duration) && duration > absl::ZeroDuration()) {
    return absl::ToUnixSeconds(absl::Now() + duration);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--until \"", text, "\" is neither a time (2026-01-06T09:00:00Z) nor a duration (2h, 90m)"));
}

int RunStatus(const StatusArgs& args) {
  v1::SetRepStatusRequest request;
  request.set_name(client::RepName(args.rep));
  absl::StatusOr<v1::RepStatus> status = client::ParseRepStatus(args.status);
  if (!status.ok()) return client::ReportUnusable(status.status());
  request.set_status(*status);
  if (!args.until.empty()) {
    absl::StatusOr<int64_t> until = ParseUntil(args.until);
    if (!until.ok()) return client::ReportUnusable(until.status());
    request.mutable_until()->set_seconds(*until);
  }
  request.set_actor(args.actor);
  request.set_reason(args.reason);
  auto stub = RepStub(args.server);
  v1::SetRepStatusResponse response;
  const grpc::Status rpc_status =
      client::Call(args.server, *stub, &v1::RepService::Stub::SetStatus, request, response);
  if (!rpc_status.ok()) return client::ReportFailure("SetStatus", rpc_status);
  if (args.server.json()) {
    std::cout << client::ToJson(response);
  } else {
    std::cout << client::ShortName(response.rep().name()) << ": " << StatusText(response.rep())
              << '\n';
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// remove

struct RemoveArgs {
  client::ServerArgs server;
  std::string rep;
  bool reassign = false;
  bool unassign = false;
  std::string actor;
  std::string reason;
  std::string etag;
};

int RunRemove(const RemoveArgs& args) {
  v1::RemoveRepRequest request;
  request.set_name(client::RepName(args.rep));
  if (args.reassign) request.set_open_leads(v1::OPEN_LEADS_POLICY_REASSIGN);
  if (args.unassign) request.set_open_leads(v1::OPEN_LEADS_POLICY_UNASSIGN);
  request.set_actor(args.actor);
  request.set_reason(args.reason);
  request.set_etag(args.etag);
  auto stub = RepStub(args.server);
  v1::RemoveRepResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::RepService::Stub::Remove, request, response);
  if (!status.ok()) {
    const int code = client::ReportFailure("Remove", status);
    if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION && !args.reassign &&
        !args.unassign) {
      std::cerr << "  (--reassign re-decides the rep's open leads by the rules; --unassign leaves "
                   "them without owner)\n";
    }
    return code;
  }
  if (args.server.json()) {
    std::cout << client::ToJson(response);
  } else {
    std::cout << "removed " << client::ShortName(response.rep().name()) << ": "
              << response.reassigned_leads() << " open leads reassigned, "
              << response.unassigned_leads() << " left without owner\n";
  }
  return kExitOk;
}

}  // namespace

void AddRepsCommand(CLI::App& app, int& exit_code) {
  CLI::App* reps = app.add_subcommand("reps", "Add, list, change the status of and remove reps");
  reps->require_subcommand(1);
  {
    auto args = std::make_shared<AddArgs>();
    CLI::App* add = reps->add_subcommand(
        "add",
        "Add or update reps: all of a roster file (--file), or one with the fields given as "
        "options (only those fields change on an existing rep)");
    add->add_option("id", args->id, "the rep id (CRM user id)");
    add->add_option("--file", args->file,
                    "a roster (.csv or .jsonl with the columns of examples/reps.csv); every rep "
                    "of it is created or replaced")
        ->check(CLI::ExistingFile);
    auto field = [&](const std::string& path, CLI::Option* option) {
      args->field_options.emplace_back(path, option);
    };
    field("display_name", add->add_option("--name", args->name, "display name"));
    field("team", add->add_option("--team", args->team, "team, matched by `team \"...\"`"));
    field("level", add->add_option("--level", args->level, "seniority level, 0..100"));
    field("region", add->add_option("--region", args->region, "region"));
    field("skills", add->add_option("--skill", args->skills, "SKILL=LEVEL, repeatable: tech=3"));
    field("tags", add->add_option("--tag", args->tags, "a tag, repeatable (replaces the tags)"));
    field("channels",
          add->add_option("--channel", args->channels,
                          "phone, email, sms, wechat, social, im or visit; repeatable"));
    field("status", add->add_option("--status", args->status, "active, away or off"));
    field("daily_cap", add->add_option("--daily-cap", args->daily_cap,
                                       "at most this many automatic leads a day"));
    field("max_open", add->add_option("--max-open", args->max_open,
                                      "no automatic leads while owning this many open ones"));
    field("attributes", add->add_option("--attr", args->attributes,
                                        "KEY=VALUE custom attribute, repeatable: weight=2"));
    field("schedule",
          add->add_option("--time-zone", args->time_zone,
                          "the rep's IANA time zone for working-time SLAs, with --hours "
                          "(e.g. Asia/Shanghai)"));
    field("schedule",
          add->add_option("--hours", args->hours,
                          "weekly working hours, e.g. \"mon-fri 09:00-12:00,13:00-18:00\""));
    field("schedule", add->add_option("--holiday", args->holidays,
                                      "a date without working time, YYYY-MM-DD (repeatable)"));
    add->add_option("--actor", args->actor, "who asks (recorded)")->envname("LEADCTL_ACTOR");
    add->add_flag("--replace", args->replace,
                  "replace every field of an existing rep, not only the ones given");
    client::AddServerOptions(*add, args->server);
    add->callback([args, &exit_code] { exit_code = RunAdd(*args); });
  }
  {
    auto args = std::make_shared<ListArgs>();
    CLI::App* list = reps->add_subcommand("list", "List reps with their load, in id order");
    list->add_option("--team", args->team, "only this team");
    list->add_option("--status", args->statuses, "only these statuses (repeatable)");
    list->add_option("--region", args->region, "only this region");
    list->add_option("--skill", args->skill, "only reps with this skill");
    list->add_option("--tag", args->tags, "only reps with every one of these tags");
    client::AddServerOptions(*list, args->server);
    list->callback([args, &exit_code] { exit_code = RunList(*args); });
  }
  {
    auto args = std::make_shared<StatusArgs>();
    CLI::App* status = reps->add_subcommand(
        "status", "Set a rep's availability: active, away (no automatic leads) or off");
    status->add_option("rep", args->rep, "the rep id")->required();
    status->add_option("status", args->status, "active, away or off")->required();
    status->add_option("--until", args->until,
                       "away only: when the rep is back (2026-01-06T09:00:00Z, or 2h, 3d...)");
    status->add_option("--actor", args->actor, "who asks (recorded)")
        ->envname("LEADCTL_ACTOR")
        ->required();
    status->add_option("--reason", args->reason, "why, e.g. vacation");
    client::AddServerOptions(*status, args->server);
    status->callback([args, &exit_code] { exit_code = RunStatus(*args); });
  }
  {
    auto args = std::make_shared<RemoveArgs>();
    CLI::App* remove = reps->add_subcommand(
        "remove",
        "Remove a rep (their history stays); refused while they own open leads unless "
        "--reassign or --unassign");
    remove->add_option("rep", args->rep, "the rep id")->required();
    CLI::Option* reassign =
        remove->add_flag("--reassign", args->reassign, "re-decide their open leads by the rules");
    remove->add_flag("--unassign", args->unassign, "leave their open leads without owner")
        ->excludes(reassign);
    remove->add_option("--actor", args->actor, "who asks (recorded)")
        ->envname("LEADCTL_ACTOR")
        ->required();
    remove->add_option("--reason", args->reason, "why (recorded)")->required();
    remove->add_option("--etag", args->etag, "refuse (exit 1) if the rep changed since this etag");
    client::AddServerOptions(*remove, args->server);
    remove->callback([args, &exit_code] { exit_code = RunRemove(*args); });
  }
}

}  // namespace leadrouter::leadctl
