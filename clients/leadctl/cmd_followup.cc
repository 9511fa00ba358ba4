// leadctl followup LEAD: records one contact with a lead (FollowUpService.RecordFollowUp), and
// leadctl followups LEAD: lists a lead's contacts, newest first (FollowUpService.ListFollowUps).
//
//   leadctl followup L1 --rep ana --channel phone --outcome reached [--note ..] [--at TIME]
//   leadctl followups L1 [--rep ana] [--limit N]
//
// Exit 0 recorded / listed, 1 the server refused (not the owner, a state that does not allow it,
// no such lead), 2 unusable input or server.
#include <google/protobuf/util/time_util.h>

#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "clients/common/paging.h"
#include "clients/common/proto_input.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/common/text_table.h"
#include "clients/leadctl/commands.h"
#include "leadrouter/v1/followups.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

using google::protobuf::util::TimeUtil;

struct FollowUpArgs {
  client::ServerArgs server;
  std::string lead;
  std::string rep;
  std::string channel;
  std::string outcome;
  std::string note;
  std::string at;
  std::string actor;
  std::string idempotency_key;
};

// "reached" (any case, or FOLLOW_UP_OUTCOME_REACHED) -> the outcome.
bool ParseOutcome(const std::string& text, v1::FollowUpOutcome& outcome) {
  const std::string upper = absl::AsciiStrToUpper(text);
  return v1::FollowUpOutcome_Parse(upper, &outcome) ||
         v1::FollowUpOutcome_Parse("FOLLOW_UP_OUTCOME_" + upper, &outcome);
}

int RunFollowUp(const FollowUpArgs& args) {
  v1::RecordFollowUpRequest request;
  v1::FollowUp& followup = *request.mutable_followup();
  followup.set_lead(client::LeadName(args.lead));
  if (!args.rep.empty()) followup.set_rep(client::RepName(args.rep));
  // A built-in channel goes as the enum; any other name is a configured channel the server
  // checks.
  if (const absl::StatusOr<v1::Channel> channel = client::ParseChannel(args.channel);
      channel.ok()) {
    followup.set_channel(*channel);
  } else {
    followup.set_channel_name(args.channel);
  }
  v1::FollowUpOutcome outcome = v1::FOLLOW_UP_OUTCOME_UNSPECIFIED;
  if (!args.outcome.empty() && !ParseOutcome(args.outcome, outcome)) {
    return client::ReportUnusable(absl::InvalidArgumentError(absl::StrCat(
        "--outcome ", args.outcome,
        ": one of reached, no_answer, left_message, meeting_booked, qualified, converted, lost")));
  }
  followup.set_outcome(outcome);
  followup.set_notes(args.note);
  followup.set_actor(args.actor);
  if (!args.at.empty() && !TimeUtil::FromString(args.at, followup.mutable_contact_time())) {
    return client::ReportUnusable(absl::InvalidArgumentError(
        absl::StrCat("--at ", args.at, ": not an RFC 3339 time (2026-03-01T09:30:00Z)")));
  }
  request.set_idempotency_key(args.idempotency_key);

  auto stub = v1::FollowUpService::NewStub(client::Connect(args.server));
  v1::RecordFollowUpResponse response;
  const grpc::Status status = client::Call(
      args.server, *stub, &v1::FollowUpService::Stub::RecordFollowUp, request, response);
  if (!status.ok()) return client::ReportFailure("RecordFollowUp", status);
  if (args.server.json()) {
    std::cout << client::ToJson(response);
    return client::kExitOk;
  }
  const v1::FollowUp& recorded = response.followup();
  std::cout << client::RenderKeyValues({
      {"followup", recorded.name()},
      {"rep", std::string(client::ShortName(recorded.rep()))},
      {"channel", recorded.channel_name()},
      {"outcome",
       client::EnumText(v1::FollowUpOutcome_Name(recorded.outcome()), "FOLLOW_UP_OUTCOME_")},
      {"contacted", client::FormatTime(recorded.contact_time())},
      {"first contact", recorded.first_contact()
                            ? (recorded.within_sla() ? "yes, within the SLA" : "yes, late")
                            : "no"},
      {"lead state", client::EnumText(v1::LeadState_Name(response.lead().state()), "LEAD_STATE_")},
  });
  return client::kExitOk;
}

struct FollowUpsArgs {
  client::ServerArgs server;
  std::string lead;
  std::string rep;
  int limit = 50;
};

int RunFollowUps(const FollowUpsArgs& args) {
  auto stub = v1::FollowUpService::NewStub(client::Connect(args.server));
  v1::ListFollowUpsRequest request;
  request.set_parent(client::LeadName(args.lead));
  if (!args.rep.empty()) request.set_rep(client::RepName(args.rep));
  v1::ListFollowUpsResponse all;
  const grpc::Status status = client::CollectPages(
      args.limit, 1000,
      [&](int page_size, const std::string& token, v1::ListFollowUpsResponse& page) {
        request.set_page_size(page_size);
        request.set_page_token(token);
        return client::Call(args.server, *stub, &v1::FollowUpService::Stub::ListFollowUps, request,
                            page);
      },
      [](v1::ListFollowUpsResponse& response) { return response.mutable_followups(); }, all);
  if (!status.ok()) return client::ReportFailure("ListFollowUps", status);
  if (args.server.json()) {
    std::cout << client::ToJson(all);
    return client::kExitOk;
  }
  client::TextTable table({"CONTACTED", "REP", "CHANNEL", "OUTCOME", "STATE", "NOTES"});
  for (const v1::FollowUp& followup : all.followups()) {
    table.AddRow(
        {client::FormatTime(followup.contact_time()),
         std::string(client::ShortName(followup.rep())), followup.channel_name(),
         client::EnumText(v1::FollowUpOutcome_Name(followup.outcome()), "FOLLOW_UP_OUTCOME_"),
         client::EnumText(v1::LeadState_Name(followup.lead_state()), "LEAD_STATE_"),
         followup.notes()});
  }
  std::cout << table.Render();
  if (!all.next_page_token().empty()) {
    std::cerr << "(first " << args.limit << " follow-ups; --limit 0 lists them all)\n";
  }
  return client::kExitOk;
}

}  // namespace

void AddFollowUpCommands(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<FollowUpArgs>();
  CLI::App* command = app.add_subcommand(
      "followup",
      "Record a contact with a lead; its state follows the outcome (exit 1 when the "
      "server refuses: not the owner, a closed lead, ...)");
  command->add_option("lead", args->lead, "the lead id (or leads/ID)")->required();
  command->add_option("--rep", args->rep, "who made the contact (default: the lead's owner)");
  command
      ->add_option("--channel", args->channel,
                   "phone, email, sms, wechat, social, im, visit, or a configured channel")
      ->required();
  command->add_option("--outcome", args->outcome,
                      "reached, no_answer, left_message, meeting_booked, qualified, converted, "
                      "lost (default: none given)");
  command->add_option("--note", args->note, "free text, at most 4096 bytes");
  command->add_option("--at", args->at, "when it happened, RFC 3339 (default: now)");
  command->add_option("--actor", args->actor, "who records it (default: the rep)")
      ->envname("LEADCTL_ACTOR");
  command->add_option("--idempotency-key", args->idempotency_key, "makes retries safe");
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunFollowUp(*args); });

  auto list = std::make_shared<FollowUpsArgs>();
  CLI::App* followups =
      app.add_subcommand("followups", "List the contacts recorded for a lead, newest first");
  followups->add_option("lead", list->lead, "the lead id (or leads/ID)")->required();
  followups->add_option("--rep", list->rep, "only contacts by this rep");
  followups->add_option("--limit", list->limit, "at most this many; 0 for all")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  client::AddServerOptions(*followups, list->server);
  followups->callback([list, &exit_code] { exit_code = RunFollowUps(*list); });
}

}  // namespace leadrouter::leadctl
