// leadctl watch: prints the events of EventService.WatchEvents as they happen, one line each
// with its cursor (or one JSON object per line), so that a watch can be resumed with --after.
// Runs until interrupted, --count events, or --timeout seconds (then exit 0). A stream the
// server's deadline cap ends is resumed by itself from the last cursor. Exit 2 for unusable
// input or server (with the cursor to resume from on stderr).
#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/common/proto_input.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/leadctl/commands.h"
#include "clients/leadctl/event_view.h"
#include "leadrouter/v1/events.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

struct WatchArgs {
  client::ServerArgs server;
  std::string after;
  std::vector<std::string> kinds;
  std::string lead;
  std::string format = "text";
  int count = 0;
};

std::string JsonLine(const v1::Event& event) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(event, &json);
  return json;
}

int RunWatch(const WatchArgs& args) {
  v1::WatchEventsRequest request;
  request.set_after(args.after);
  for (const std::string& text : args.kinds) {
    const std::optional<v1::EventKind> kind = ParseEventKind(text);
    if (!kind.has_value()) {
      return client::ReportUnusable(absl::InvalidArgumentError(
          absl::StrCat("--kind ", text, ": not an event kind (", EventKindList(), ")")));
    }
    request.add_kinds(*kind);
  }
  if (!args.lead.empty()) request.set_lead(client::LeadName(args.lead));

  auto stub = v1::EventService::NewStub(client::Connect(args.server));
  // --timeout is how long to watch; 0 (the default) watches until interrupted.
  const bool bounded = args.server.timeout_seconds > 0;
  const auto until = std::chrono::system_clock::now() +
                     std::chrono::duration_cast<std::chrono::system_clock::duration>(
                         std::chrono::duration<double>(args.server.timeout_seconds));
  int printed = 0;
  while (true) {
    grpc::ClientContext context;
    client::PrepareContext(context, args.server);
    context.set_deadline(bounded ? until : std::chrono::system_clock::time_point::max());
    std::unique_ptr<grpc::ClientReader<v1::Event>> reader = stub->WatchEvents(&context, request);
    v1::Event event;
    while (reader->Read(&event)) {
      std::cout << (args.format == "json" ? JsonLine(event) : EventLine(event)) << std::endl;
      request.set_after(event.cursor());
      if (args.count > 0 && ++printed >= args.count) {
        context.TryCancel();
        (void)reader->Finish();
        return client::kExitOk;
      }
    }
    const grpc::Status status = reader->Finish();
    const bool ours = bounded && std::chrono::system_clock::now() >= until;
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED && ours) {
      return client::kExitOk;
    }
    // The server's deadline cap ended the stream: carry on from the last event.
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) continue;
    const int code = client::ReportFailure("WatchEvents", status);
    if (!request.after().empty()) {
      std::cerr << "resume with: leadctl watch --after " << request.after() << "\n";
    }
    return code;
  }
}

}  // namespace

void AddWatchCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<WatchArgs>();
  args->server.timeout_seconds = 0;
  CLI::App* command =
      app.add_subcommand("watch", "Print the lead events as they happen, each with its cursor");
  command->add_option("--after", args->after,
                      "the cursor of the last event already seen; none: the oldest kept");
  command->add_option("--kind", args->kinds,
                      absl::StrCat("only events of this kind (", EventKindList(), "); repeatable"));
  command->add_option("--lead", args->lead, "only events of this lead (id or leads/ID)");
  command->add_option("--count", args->count, "stop after this many events; 0: no limit")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command->add_option("--format", args->format, "text (one line per event) or json (one per line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  client::AddServerOptions(*command, args->server, /*with_format=*/false);
  command->callback([args, &exit_code] { exit_code = RunWatch(*args); });
}

}  // namespace leadrouter::leadctl
