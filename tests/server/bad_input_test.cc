// The bad-input catalogue: malformed requests to every RPC of every leadrouter.v1 service, each
// answered by a precise status whose message names what was wrong, against one in-process server.
// After each row the server must still be SERVING and, for a refused request, the stored data
// (assignments, leads, reps, rule versions, as the API shows them) must be what it was.
//
// Requests go over the wire as bytes (a grpc::ByteBuffer through BlockingUnaryCall), so that a
// row can send what no client library would: invalid UTF-8 in a string field, cut framing, deep
// group nesting. Most rows build a message and serialize it; the UTF-8 rows then replace a "@@"
// marker in the serialized bytes with two bytes that are not UTF-8 (the length is unchanged, so
// the framing stays valid and only the text is wrong).
//
// This is also the test proto/strict_parse.h names: it fails if a build loses the strict parser.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fuzzed_methods.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "leadrouter/v1/followups.grpc.pb.h"
#include "leadrouter/v1/reports.grpc.pb.h"
#include "server_harness.h"
#include "test_fixtures.h"

namespace leadrouter::testing {
namespace {

using google::protobuf::Message;
using google::protobuf::util::TimeUtil;
using grpc::StatusCode;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
// 9999-12-31T23:59:59Z, the last second a google.protobuf.Timestamp may hold, and one past it.
constexpr int64_t kYear9999 = 253402300799;
constexpr int64_t kYear10000 = kYear9999 + 1;

// What the rows share: a page token of each paged list, issued for one filter.
struct Seeds {
  std::string assignments_token;  // ListAssignments, newest first, page_size 1
  std::string reps_token;         // RepService.List, no filter, page_size 1
  std::string lead_events_token;  // ListLeadEvents of leads/l1 (assigned, then pinned), page_size 1
};

// One RPC: its path and the type of its response (to describe an OK reply).
struct Rpc {
  std::string path;
  const Message* response;
};

template <typename Response>
Rpc Method(const char* path) {
  return {path, &Response::default_instance()};
}

const Rpc kAssign = Method<v1::AssignResponse>("/leadrouter.v1.AssignmentService/Assign");
const Rpc kAssignBatch =
    Method<v1::AssignBatchResponse>("/leadrouter.v1.AssignmentService/AssignBatch");
const Rpc kReassign = Method<v1::ReassignResponse>("/leadrouter.v1.AssignmentService/Reassign");
const Rpc kSetPin = Method<v1::SetPinResponse>("/leadrouter.v1.AssignmentService/SetPin");
const Rpc kGetLead = Method<v1::GetLeadResponse>("/leadrouter.v1.AssignmentService/GetLead");
const Rpc kListAssignments =
    Method<v1::ListAssignmentsResponse>("/leadrouter.v1.AssignmentService/ListAssignments");
const Rpc kExplain = Method<v1::ExplainResponse>("/leadrouter.v1.AssignmentService/Explain");
const Rpc kCloseLead = Method<v1::CloseLeadResponse>("/leadrouter.v1.AssignmentService/CloseLead");
const Rpc kReview = Method<v1::ReviewResponse>("/leadrouter.v1.AssignmentService/Review");
const Rpc kListLeads = Method<v1::ListLeadsResponse>("/leadrouter.v1.AssignmentService/ListLeads");
const Rpc kRecordFollowUp =
    Method<v1::RecordFollowUpResponse>("/leadrouter.v1.FollowUpService/RecordFollowUp");
const Rpc kListFollowUps =
    Method<v1::ListFollowUpsResponse>("/leadrouter.v1.FollowUpService/ListFollowUps");
const Rpc kListTasks = Method<v1::ListTasksResponse>("/leadrouter.v1.FollowUpService/ListTasks");
const Rpc kDistribution =
    Method<v1::DistributionResponse>("/leadrouter.v1.ReportService/Distribution");
const Rpc kFollowUpsReport =
    Method<v1::FollowUpsResponse>("/leadrouter.v1.ReportService/FollowUps");
const Rpc kConversion = Method<v1::ConversionResponse>("/leadrouter.v1.ReportService/Conversion");
const Rpc kUpsertRep = Method<v1::UpsertRepResponse>("/leadrouter.v1.RepService/Upsert");
const Rpc kGetRep = Method<v1::GetRepResponse>("/leadrouter.v1.RepService/Get");
const Rpc kListReps = Method<v1::ListRepsResponse>("/leadrouter.v1.RepService/List");
const Rpc kSetStatus = Method<v1::SetRepStatusResponse>("/leadrouter.v1.RepService/SetStatus");
const Rpc kRemoveRep = Method<v1::RemoveRepResponse>("/leadrouter.v1.RepService/Remove");
const Rpc kCheck = Method<v1::CheckResponse>("/leadrouter.v1.RuleService/Check");
const Rpc kDryRun = Method<v1::DryRunResponse>("/leadrouter.v1.RuleService/DryRun");
const Rpc kBacktest = Method<v1::BacktestResponse>("/leadrouter.v1.RuleService/Backtest");
const Rpc kPublish = Method<v1::PublishResponse>("/leadrouter.v1.RuleService/Publish");
const Rpc kGetRules = Method<v1::GetRulesResponse>("/leadrouter.v1.RuleService/GetRules");
const Rpc kListVersions =
    Method<v1::ListVersionsResponse>("/leadrouter.v1.RuleService/ListVersions");
const Rpc kRollback = Method<v1::RollbackResponse>("/leadrouter.v1.RuleService/Rollback");
const Rpc kBackup = Method<v1::BackupResponse>("/leadrouter.v1.AdminService/Backup");
const Rpc kWatchEvents = Method<v1::Event>("/leadrouter.v1.EventService/WatchEvents");
const Rpc kListLeadEvents =
    Method<v1::ListLeadEventsResponse>("/leadrouter.v1.EventService/ListLeadEvents");
const Rpc kHealth = Method<grpc::health::v1::HealthCheckResponse>("/grpc.health.v1.Health/Check");

// One catalogue row. `code` OK is for requests that are odd but valid and change nothing (a
// check of a huge rule file); `has` must then appear in the reply, otherwise in the message.
struct Row {
  std::string name;
  Rpc rpc;
  std::function<std::string(const Seeds&)> wire;
  StatusCode code;
  std::string has;
};

// The request's bytes.
std::string Wire(const Message& message) { return message.SerializeAsString(); }

// The request's bytes with its one "@@" replaced by `bytes` (two bytes, so lengths still hold).
std::string Patched(const Message& message, const std::string& bytes = "\xFF\xFE") {
  std::string wire = Wire(message);
  const size_t at = wire.find("@@");
  EXPECT_NE(at, std::string::npos) << message.ShortDebugString();
  EXPECT_EQ(wire.find("@@", at + 1), std::string::npos) << message.ShortDebugString();
  if (at != std::string::npos) wire.replace(at, 2, bytes);
  return wire;
}

template <typename Request>
std::function<std::string(const Seeds&)> Build(std::function<void(Request&)> fill) {
  return [fill](const Seeds&) {
    Request request;
    fill(request);
    return Wire(request);
  };
}

// As Build, with the "@@" in the request replaced by bytes that are not UTF-8.
template <typename Request>
std::function<std::string(const Seeds&)> NotUtf8(std::function<void(Request&)> fill,
                                                 std::string bytes = "\xFF\xFE") {
  return [fill, bytes](const Seeds&) {
    Request request;
    fill(request);
    return Patched(request, bytes);
  };
}

v1::Lead Lead(const std::string& id = "new-lead") { return MakeLead(id, "web", 50); }

v1::AssignRequest AssignWith(std::function<void(v1::Lead&)> change) {
  v1::Lead lead = Lead();
  change(lead);
  return AssignOf(lead);
}

std::function<std::string(const Seeds&)> AssignLead(std::function<void(v1::Lead&)> change) {
  return [change](const Seeds&) { return Wire(AssignWith(change)); };
}

std::function<std::string(const Seeds&)> AssignLeadNotUtf8(std::function<void(v1::Lead&)> change,
                                                           std::string bytes = "\xFF\xFE") {
  return [change, bytes](const Seeds&) { return Patched(AssignWith(change), bytes); };
}

// A close of l1 (owned by a rep) as LOST, by a valid actor for a valid reason, then `change`.
std::function<std::string(const Seeds&)> ReviewWith(
    std::function<void(v1::ReviewRequest&)> change) {
  return [change](const Seeds&) {
    v1::ReviewRequest request;
    request.set_lead("leads/l1");
    request.set_decision(v1::REVIEW_DECISION_REJECT);
    request.set_actor("test");
    request.set_reason("why");
    change(request);
    return Wire(request);
  };
}

std::function<std::string(const Seeds&)> CloseWith(
    std::function<void(v1::CloseLeadRequest&)> change) {
  return [change](const Seeds&) {
    v1::CloseLeadRequest request;
    request.set_lead("leads/l1");
    request.set_resolution(v1::CLOSE_RESOLUTION_LOST);
    request.set_actor("test");
    request.set_reason("why");
    change(request);
    return Wire(request);
  };
}

// A reached phone follow-up of l2 (owned by ana), then `change`.
std::function<std::string(const Seeds&)> FollowUpWith(
    std::function<void(v1::RecordFollowUpRequest&)> change) {
  return [change](const Seeds&) {
    v1::RecordFollowUpRequest request;
    request.mutable_followup()->set_lead("leads/l2");
    request.mutable_followup()->set_channel(v1::CHANNEL_PHONE);
    request.mutable_followup()->set_outcome(v1::FOLLOW_UP_OUTCOME_REACHED);
    change(request);
    return Wire(request);
  };
}

v1::Rep Rep(const std::string& id = "zed") {
  v1::Rep rep;
  rep.set_name("reps/" + id);
  rep.set_display_name("Zed");
  rep.set_status(v1::REP_STATUS_ACTIVE);
  return rep;
}

std::function<std::string(const Seeds&)> UpsertRep(std::function<void(v1::Rep&)> change) {
  return [change](const Seeds&) {
    v1::UpsertRepRequest request;
    *request.mutable_rep() = Rep();
    change(*request.mutable_rep());
    request.set_actor("test");
    return Wire(request);
  };
}

std::function<std::string(const Seeds&)> UpsertRepNotUtf8(std::function<void(v1::Rep&)> change) {
  return [change](const Seeds&) {
    v1::UpsertRepRequest request;
    *request.mutable_rep() = Rep();
    change(*request.mutable_rep());
    request.set_actor("test");
    return Patched(request);
  };
}

v1::DryRunRequest DryRunOf(int leads) {
  v1::DryRunRequest request;
  request.set_source(kTestRules);
  for (int i = 0; i < leads; ++i) *request.add_leads() = Lead("dry" + std::to_string(i));
  return request;
}

// Rule files: `count` small rules; one rule whose `when` is `terms` comparisons joined by `or`;
// one whose `when` is `depth` parentheses deep.
std::string ManyRules(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += "rule \"r" + std::to_string(i) + "\" when source == \"s" + std::to_string(i) +
            "\" distribute round_robin\n";
  }
  return text;
}
std::string LongCondition(int terms) {
  std::string text = "rule \"long\"\n  when source == \"s0\"";
  for (int i = 1; i < terms; ++i) text += " or source == \"s" + std::to_string(i) + "\"";
  return text + "\n  distribute round_robin\n";
}
std::string DeepCondition(int depth) {
  return "rule \"deep\"\n  when " + std::string(depth, '(') + "true" + std::string(depth, ')') +
         "\n  distribute round_robin\n";
}

v1::PublishRequest PublishOf(const std::string& source) {
  v1::PublishRequest request;
  request.set_source(source);
  request.set_author("test");
  request.set_message("catalogue");
  return request;
}

// An Assign request followed by an unknown field 99 of `depth` nested groups.
std::string DeepGroups(int depth) {
  std::string wire = Wire(AssignOf(Lead()));
  for (int i = 0; i < depth; ++i) wire += "\x9B\x06";  // field 99, start group
  for (int i = 0; i < depth; ++i) wire += "\x9C\x06";  // field 99, end group
  return wire;
}

std::vector<Row> Catalogue() {
  using v1::AssignBatchRequest;
  using v1::AssignRequest;
  using v1::Lead;
  return {
      // ---- AssignmentService.Assign
      {"assign_empty_lead_name", kAssign, AssignLead([](Lead& l) { l.set_name(""); }),
       StatusCode::INVALID_ARGUMENT, "lead.name"},
      {"assign_10000_char_id", kAssign,
       AssignLead([](Lead& l) { l.set_name("leads/" + std::string(10000, 'a')); }),
       StatusCode::INVALID_ARGUMENT, "lead.name"},
      {"assign_name_of_other_collection", kAssign,
       AssignLead([](Lead& l) { l.set_name("reps/ana"); }), StatusCode::INVALID_ARGUMENT,
       "lead.name"},
      {"assign_quality_nan", kAssign, AssignLead([](Lead& l) { l.set_quality(kNaN); }),
       StatusCode::INVALID_ARGUMENT, "lead.quality"},
      {"assign_quality_infinity", kAssign, AssignLead([](Lead& l) { l.set_quality(kInf); }),
       StatusCode::INVALID_ARGUMENT, "lead.quality"},
      {"assign_value_minus_infinity", kAssign, AssignLead([](Lead& l) { l.set_value(-kInf); }),
       StatusCode::INVALID_ARGUMENT, "lead.value"},
      {"assign_1mb_source", kAssign,
       AssignLead([](Lead& l) { l.set_source(std::string(1 << 20, 's')); }),
       StatusCode::INVALID_ARGUMENT, "lead.source"},
      {"assign_unknown_channel", kAssign,
       AssignLead([](Lead& l) { l.set_preferred_channel(static_cast<v1::Channel>(99)); }),
       StatusCode::INVALID_ARGUMENT, "lead.preferred_channel"},
      {"assign_attribute_nan", kAssign,
       AssignLead([](Lead& l) { (*l.mutable_attributes())["budget"].set_number_value(kNaN); }),
       StatusCode::INVALID_ARGUMENT, "lead.attributes.budget"},
      {"assign_attribute_shadows_field", kAssign,
       AssignLead([](Lead& l) { (*l.mutable_attributes())["source"].set_string_value("x"); }),
       StatusCode::INVALID_ARGUMENT, "lead.attributes.source"},
      {"assign_attribute_key_uppercase", kAssign,
       AssignLead([](Lead& l) { (*l.mutable_attributes())["Budget"].set_bool_value(true); }),
       StatusCode::INVALID_ARGUMENT, "lead.attributes.Budget"},
      {"assign_65_attributes", kAssign, AssignLead([](Lead& l) {
         for (int i = 0; i < 65; ++i) {
           (*l.mutable_attributes())["a" + std::to_string(i)].set_bool_value(true);
         }
       }),
       StatusCode::INVALID_ARGUMENT, "lead.attributes"},
      {"assign_attribute_1mb_string", kAssign, AssignLead([](Lead& l) {
         (*l.mutable_attributes())["notes"].set_string_value(std::string(1 << 20, 'n'));
       }),
       StatusCode::INVALID_ARGUMENT, "lead.attributes.notes"},
      {"assign_create_time_year_10000", kAssign,
       AssignLead([](Lead& l) { l.mutable_create_time()->set_seconds(kYear10000); }),
       StatusCode::INVALID_ARGUMENT, "lead.create_time"},
      {"assign_create_time_nanos_out_of_range", kAssign,
       AssignLead([](Lead& l) { l.mutable_create_time()->set_nanos(-1); }),
       StatusCode::INVALID_ARGUMENT, "lead.create_time"},
      {"assign_create_time_int64_min", kAssign, AssignLead([](Lead& l) {
         l.mutable_create_time()->set_seconds(std::numeric_limits<int64_t>::min());
       }),
       StatusCode::INVALID_ARGUMENT, "lead.create_time"},
      {"assign_10000_char_idempotency_key", kAssign,
       [](const Seeds&) {
         AssignRequest r = AssignOf(MakeLead("new-lead", "web", 50));
         r.set_idempotency_key(std::string(10000, 'k'));
         return Wire(r);
       },
       StatusCode::INVALID_ARGUMENT, "idempotency_key"},
      {"assign_1mb_actor", kAssign,
       [](const Seeds&) {
         AssignRequest r = AssignOf(MakeLead("new-lead", "web", 50));
         r.set_actor(std::string(1 << 20, 'a'));
         return Wire(r);
       },
       StatusCode::INVALID_ARGUMENT, "actor"},
      {"assign_unknown_mask_path", kAssign,
       [](const Seeds&) {
         AssignRequest r = AssignOf(MakeLead("new-lead", "web", 50));
         r.mutable_update_mask()->add_paths("owner");
         return Wire(r);
       },
       StatusCode::INVALID_ARGUMENT, "update_mask.paths[0]"},
      {"assign_utf8_source", kAssign, AssignLeadNotUtf8([](Lead& l) { l.set_source("@@"); }),
       StatusCode::INVALID_ARGUMENT, "lead.source: not valid UTF-8"},
      {"assign_utf8_overlong_region", kAssign,
       AssignLeadNotUtf8([](Lead& l) { l.set_region("@@"); }, "\xC0\x80"),
       StatusCode::INVALID_ARGUMENT, "lead.region: not valid UTF-8"},
      {"assign_utf8_surrogate_name", kAssign,
       AssignLeadNotUtf8([](Lead& l) { l.set_name("leads/@@"); }, "\xED\xA0"),
       StatusCode::INVALID_ARGUMENT, "lead.name: not valid UTF-8"},
      {"assign_utf8_attribute_key", kAssign,
       AssignLeadNotUtf8([](Lead& l) { (*l.mutable_attributes())["@@"].set_bool_value(true); }),
       StatusCode::INVALID_ARGUMENT, "lead.attributes (a key): not valid UTF-8"},
      {"assign_utf8_attribute_string", kAssign,
       AssignLeadNotUtf8([](Lead& l) { (*l.mutable_attributes())["tier"].set_string_value("@@"); }),
       StatusCode::INVALID_ARGUMENT, "lead.attributes.tier.string_value: not valid UTF-8"},
      {"assign_utf8_attribute_list_item", kAssign, AssignLeadNotUtf8([](Lead& l) {
         auto* list = (*l.mutable_attributes())["tags"].mutable_string_list_value();
         list->add_values("ok");
         list->add_values("@@");
       }),
       StatusCode::INVALID_ARGUMENT, "lead.attributes.tags.string_list_value.values[1]"},
      {"assign_utf8_actor", kAssign, NotUtf8<AssignRequest>([](AssignRequest& r) {
         r = AssignOf(MakeLead("new-lead", "web", 50));
         r.set_actor("@@");
       }),
       StatusCode::INVALID_ARGUMENT, "actor: not valid UTF-8"},
      {"assign_utf8_idempotency_key", kAssign, NotUtf8<AssignRequest>([](AssignRequest& r) {
         r = AssignOf(MakeLead("new-lead", "web", 50));
         r.set_idempotency_key("@@");
       }),
       StatusCode::INVALID_ARGUMENT, "idempotency_key: not valid UTF-8"},
      {"assign_utf8_mask_path", kAssign, NotUtf8<AssignRequest>([](AssignRequest& r) {
         r = AssignOf(MakeLead("new-lead", "web", 50));
         r.mutable_update_mask()->add_paths("@@");
       }),
       StatusCode::INVALID_ARGUMENT, "update_mask.paths[0]: not valid UTF-8"},
      {"assign_truncated_bytes", kAssign,
       [](const Seeds&) {
         std::string wire = Wire(AssignOf(MakeLead("new-lead", "web", 50)));
         wire.pop_back();
         return wire;
       },
       StatusCode::INVALID_ARGUMENT, "truncated"},
      {"assign_deeply_nested_unknown_groups", kAssign,
       [](const Seeds&) { return DeepGroups(10000); }, StatusCode::INVALID_ARGUMENT, "99"},

      // ---- AssignmentService.AssignBatch
      {"batch_no_items", kAssignBatch, Build<AssignBatchRequest>([](AssignBatchRequest&) {}),
       StatusCode::INVALID_ARGUMENT, "items"},
      {"batch_duplicate_leads", kAssignBatch, Build<AssignBatchRequest>([](AssignBatchRequest& r) {
         *r.add_items()->mutable_lead() = testing::Lead("twice");
         *r.add_items()->mutable_lead() = testing::Lead("twice");
       }),
       StatusCode::INVALID_ARGUMENT, "items[1].lead.name"},
      {"batch_too_many_items", kAssignBatch, Build<AssignBatchRequest>([](AssignBatchRequest& r) {
         for (int i = 0; i < 10001; ++i) r.add_items();
       }),
       StatusCode::RESOURCE_EXHAUSTED, "items"},
      {"batch_utf8_item_industry", kAssignBatch,
       NotUtf8<AssignBatchRequest>([](AssignBatchRequest& r) {
         *r.add_items()->mutable_lead() = testing::Lead("b1");
         *r.add_items()->mutable_lead() = testing::Lead("b2");
         r.mutable_items(1)->mutable_lead()->set_industry("@@");
       }),
       StatusCode::INVALID_ARGUMENT, "items[1].lead.industry: not valid UTF-8"},
      {"batch_utf8_actor", kAssignBatch, NotUtf8<AssignBatchRequest>([](AssignBatchRequest& r) {
         *r.add_items()->mutable_lead() = testing::Lead("b1");
         r.set_actor("@@");
       }),
       StatusCode::INVALID_ARGUMENT, "actor: not valid UTF-8"},

      // ---- AssignmentService.Reassign
      {"reassign_no_target", kReassign, Build<v1::ReassignRequest>([](v1::ReassignRequest& r) {
         r.set_lead("leads/l1");
         r.set_actor("test");
         r.set_reason("why");
       }),
       StatusCode::INVALID_ARGUMENT, "target"},
      {"reassign_empty_lead", kReassign, Build<v1::ReassignRequest>([](v1::ReassignRequest& r) {
         r.set_rep("reps/ana");
         r.set_actor("test");
         r.set_reason("why");
       }),
       StatusCode::INVALID_ARGUMENT, "lead"},
      {"reassign_10000_char_rep", kReassign, Build<v1::ReassignRequest>([](v1::ReassignRequest& r) {
         r.set_lead("leads/l1");
         r.set_rep("reps/" + std::string(10000, 'r'));
         r.set_actor("test");
         r.set_reason("why");
       }),
       StatusCode::INVALID_ARGUMENT, "rep"},
      {"reassign_no_reason", kReassign, Build<v1::ReassignRequest>([](v1::ReassignRequest& r) {
         r.set_lead("leads/l1");
         r.set_rep("reps/ben");
         r.set_actor("test");
       }),
       StatusCode::INVALID_ARGUMENT, "reason"},
      {"reassign_bad_excluded_rep", kReassign,
       Build<v1::ReassignRequest>([](v1::ReassignRequest& r) {
         r.set_lead("leads/l1");
         r.mutable_by_rule()->add_exclude_reps("ana");
         r.set_actor("test");
         r.set_reason("why");
       }),
       StatusCode::INVALID_ARGUMENT, "by_rule.exclude_reps[0]"},
      {"reassign_unknown_lead", kReassign, Build<v1::ReassignRequest>([](v1::ReassignRequest& r) {
         r.set_lead("leads/nobody");
         r.set_rep("reps/ben");
         r.set_actor("test");
         r.set_reason("why");
       }),
       StatusCode::NOT_FOUND, "leads/nobody"},
      {"reassign_utf8_reason", kReassign, NotUtf8<v1::ReassignRequest>([](v1::ReassignRequest& r) {
         r.set_lead("leads/l1");
         r.set_rep("reps/ben");
         r.set_actor("test");
         r.set_reason("@@");
       }),
       StatusCode::INVALID_ARGUMENT, "reason: not valid UTF-8"},
      {"reassign_utf8_expected_assignment", kReassign,
       NotUtf8<v1::ReassignRequest>([](v1::ReassignRequest& r) {
         r.set_lead("leads/l1");
         r.set_rep("reps/ben");
         r.set_actor("test");
         r.set_reason("why");
         r.set_expected_assignment("leads/l1/assignments/@@");
       }),
       StatusCode::INVALID_ARGUMENT, "expected_assignment: not valid UTF-8"},

      // ---- AssignmentService.SetPin
      {"pin_empty_lead", kSetPin, Build<v1::SetPinRequest>([](v1::SetPinRequest& r) {
         r.set_pinned(true);
         r.set_actor("test");
         r.set_reason("why");
       }),
       StatusCode::INVALID_ARGUMENT, "lead"},
      {"pin_no_reason", kSetPin, Build<v1::SetPinRequest>([](v1::SetPinRequest& r) {
         r.set_lead("leads/l1");
         r.set_pinned(true);
         r.set_actor("test");
       }),
       StatusCode::INVALID_ARGUMENT, "reason"},
      {"pin_utf8_actor", kSetPin, NotUtf8<v1::SetPinRequest>([](v1::SetPinRequest& r) {
         r.set_lead("leads/l1");
         r.set_pinned(true);
         r.set_actor("@@");
         r.set_reason("why");
       }),
       StatusCode::INVALID_ARGUMENT, "actor: not valid UTF-8"},

      // ---- AssignmentService.CloseLead
      {"close_lead_empty_lead", kCloseLead,
       CloseWith([](v1::CloseLeadRequest& r) { r.clear_lead(); }), StatusCode::INVALID_ARGUMENT,
       "lead"},
      {"close_lead_no_resolution", kCloseLead,
       CloseWith([](v1::CloseLeadRequest& r) { r.clear_resolution(); }),
       StatusCode::INVALID_ARGUMENT, "resolution"},
      {"close_lead_unknown_resolution", kCloseLead, CloseWith([](v1::CloseLeadRequest& r) {
         r.set_resolution(static_cast<v1::CloseResolution>(99));
       }),
       StatusCode::INVALID_ARGUMENT, "resolution"},
      {"close_lead_value_when_lost", kCloseLead,
       CloseWith([](v1::CloseLeadRequest& r) { r.set_value(10); }), StatusCode::INVALID_ARGUMENT,
       "value"},
      {"close_lead_nan_value", kCloseLead, CloseWith([](v1::CloseLeadRequest& r) {
         r.set_resolution(v1::CLOSE_RESOLUTION_WON);
         r.set_value(kNaN);
       }),
       StatusCode::INVALID_ARGUMENT, "value"},
      {"close_lead_no_reason", kCloseLead,
       CloseWith([](v1::CloseLeadRequest& r) { r.clear_reason(); }), StatusCode::INVALID_ARGUMENT,
       "reason"},
      {"close_lead_no_actor", kCloseLead,
       CloseWith([](v1::CloseLeadRequest& r) { r.clear_actor(); }), StatusCode::INVALID_ARGUMENT,
       "actor"},
      {"close_lead_unknown_lead", kCloseLead,
       CloseWith([](v1::CloseLeadRequest& r) { r.set_lead("leads/nobody"); }),
       StatusCode::NOT_FOUND, "leads/nobody"},
      {"close_lead_in_the_future", kCloseLead,
       CloseWith([](v1::CloseLeadRequest& r) { r.mutable_close_time()->set_seconds(kYear9999); }),
       StatusCode::INVALID_ARGUMENT, "close_time"},
      {"close_lead_time_past_year_9999", kCloseLead,
       CloseWith([](v1::CloseLeadRequest& r) { r.mutable_close_time()->set_seconds(kYear10000); }),
       StatusCode::INVALID_ARGUMENT, "close_time"},
      {"close_lead_before_it_was_received", kCloseLead,
       CloseWith([](v1::CloseLeadRequest& r) { r.mutable_close_time()->set_seconds(1); }),
       StatusCode::INVALID_ARGUMENT, "close_time"},
      {"close_lead_long_key", kCloseLead,
       CloseWith([](v1::CloseLeadRequest& r) { r.set_idempotency_key(std::string(129, 'k')); }),
       StatusCode::INVALID_ARGUMENT, "idempotency_key"},

      // ---- AssignmentService.Review
      {"review_empty_lead", kReview, ReviewWith([](v1::ReviewRequest& r) { r.clear_lead(); }),
       StatusCode::INVALID_ARGUMENT, "lead"},
      {"review_no_decision", kReview, ReviewWith([](v1::ReviewRequest& r) { r.clear_decision(); }),
       StatusCode::INVALID_ARGUMENT, "decision"},
      {"review_unknown_decision", kReview, ReviewWith([](v1::ReviewRequest& r) {
         r.set_decision(static_cast<v1::ReviewDecision>(99));
       }),
       StatusCode::INVALID_ARGUMENT, "decision"},
      {"review_rep_with_approve", kReview, ReviewWith([](v1::ReviewRequest& r) {
         r.set_decision(v1::REVIEW_DECISION_APPROVE);
         r.set_rep("reps/ana");
       }),
       StatusCode::INVALID_ARGUMENT, "rep"},
      {"review_bad_rep", kReview, ReviewWith([](v1::ReviewRequest& r) { r.set_rep("ana"); }),
       StatusCode::INVALID_ARGUMENT, "rep"},
      {"review_force_without_rep", kReview,
       ReviewWith([](v1::ReviewRequest& r) { r.set_force(true); }), StatusCode::INVALID_ARGUMENT,
       "force"},
      {"review_other_leads_proposal", kReview,
       ReviewWith([](v1::ReviewRequest& r) { r.set_proposal("leads/l2/assignments/1"); }),
       StatusCode::INVALID_ARGUMENT, "proposal"},
      {"review_reject_without_reason", kReview,
       ReviewWith([](v1::ReviewRequest& r) { r.clear_reason(); }), StatusCode::INVALID_ARGUMENT,
       "reason"},
      {"review_no_actor", kReview, ReviewWith([](v1::ReviewRequest& r) { r.clear_actor(); }),
       StatusCode::INVALID_ARGUMENT, "actor"},
      {"review_long_key", kReview,
       ReviewWith([](v1::ReviewRequest& r) { r.set_idempotency_key(std::string(129, 'k')); }),
       StatusCode::INVALID_ARGUMENT, "idempotency_key"},
      {"review_unknown_lead", kReview,
       ReviewWith([](v1::ReviewRequest& r) { r.set_lead("leads/nobody"); }), StatusCode::NOT_FOUND,
       "leads/nobody"},
      {"review_lead_not_in_review", kReview, ReviewWith([](v1::ReviewRequest&) {}),
       StatusCode::FAILED_PRECONDITION, "not waiting for review"},

      // ---- AssignmentService.ListLeads
      {"list_leads_bad_owner", kListLeads,
       Build<v1::ListLeadsRequest>([](v1::ListLeadsRequest& r) { r.set_owner("ana"); }),
       StatusCode::INVALID_ARGUMENT, "owner"},
      {"list_leads_unknown_state", kListLeads,
       Build<v1::ListLeadsRequest>(
           [](v1::ListLeadsRequest& r) { r.add_states(static_cast<v1::LeadState>(99)); }),
       StatusCode::INVALID_ARGUMENT, "states[0]"},
      {"list_leads_negative_page_size", kListLeads,
       Build<v1::ListLeadsRequest>([](v1::ListLeadsRequest& r) { r.set_page_size(-5); }),
       StatusCode::INVALID_ARGUMENT, "page_size"},
      {"list_leads_end_before_start", kListLeads,
       Build<v1::ListLeadsRequest>([](v1::ListLeadsRequest& r) {
         r.mutable_receive_time()->mutable_start_time()->set_seconds(2000);
         r.mutable_receive_time()->mutable_end_time()->set_seconds(1000);
       }),
       StatusCode::INVALID_ARGUMENT, "receive_time.end_time"},
      {"list_leads_token_of_another_list", kListLeads,
       [](const Seeds& seeds) {
         v1::ListLeadsRequest r;  // no filter, as the ListAssignments call that issued it
         r.set_page_token(seeds.assignments_token);
         return Wire(r);
       },
       StatusCode::INVALID_ARGUMENT, "page_token"},
      {"list_leads_long_source", kListLeads,
       Build<v1::ListLeadsRequest>(
           [](v1::ListLeadsRequest& r) { r.set_source(std::string(129, 's')); }),
       StatusCode::INVALID_ARGUMENT, "source"},
      {"list_leads_utf8_source", kListLeads,
       NotUtf8<v1::ListLeadsRequest>([](v1::ListLeadsRequest& r) { r.set_source("@@"); }),
       StatusCode::INVALID_ARGUMENT, "source: not valid UTF-8"},

      // ---- FollowUpService.RecordFollowUp, ListFollowUps
      {"record_followup_missing", kRecordFollowUp,
       Build<v1::RecordFollowUpRequest>([](v1::RecordFollowUpRequest&) {}),
       StatusCode::INVALID_ARGUMENT, "followup"},
      {"record_followup_no_lead", kRecordFollowUp,
       FollowUpWith([](v1::RecordFollowUpRequest& r) { r.mutable_followup()->clear_lead(); }),
       StatusCode::INVALID_ARGUMENT, "followup.lead"},
      {"record_followup_no_channel", kRecordFollowUp,
       FollowUpWith([](v1::RecordFollowUpRequest& r) { r.mutable_followup()->clear_channel(); }),
       StatusCode::INVALID_ARGUMENT, "followup.channel"},
      {"record_followup_unknown_channel_name", kRecordFollowUp,
       FollowUpWith([](v1::RecordFollowUpRequest& r) {
         r.mutable_followup()->clear_channel();
         r.mutable_followup()->set_channel_name("pigeon");
       }),
       StatusCode::INVALID_ARGUMENT, "followup.channel_name"},
      {"record_followup_channel_names_disagree", kRecordFollowUp,
       FollowUpWith(
           [](v1::RecordFollowUpRequest& r) { r.mutable_followup()->set_channel_name("email"); }),
       StatusCode::INVALID_ARGUMENT, "followup.channel_name"},
      {"record_followup_unknown_outcome", kRecordFollowUp,
       FollowUpWith([](v1::RecordFollowUpRequest& r) {
         r.mutable_followup()->set_outcome(static_cast<v1::FollowUpOutcome>(99));
       }),
       StatusCode::INVALID_ARGUMENT, "followup.outcome"},
      {"record_followup_long_notes", kRecordFollowUp,
       FollowUpWith([](v1::RecordFollowUpRequest& r) {
         r.mutable_followup()->set_notes(std::string(4097, 'n'));
       }),
       StatusCode::INVALID_ARGUMENT, "followup.notes"},
      {"record_followup_with_task", kRecordFollowUp, FollowUpWith([](v1::RecordFollowUpRequest& r) {
         r.mutable_followup()->set_task("leads/l2/tasks/1");
       }),
       StatusCode::INVALID_ARGUMENT, "followup.task"},
      {"record_followup_contact_past_year_9999", kRecordFollowUp,
       FollowUpWith([](v1::RecordFollowUpRequest& r) {
         r.mutable_followup()->mutable_contact_time()->set_seconds(kYear10000);
       }),
       StatusCode::INVALID_ARGUMENT, "followup.contact_time"},
      {"record_followup_unknown_lead", kRecordFollowUp,
       FollowUpWith(
           [](v1::RecordFollowUpRequest& r) { r.mutable_followup()->set_lead("leads/nobody"); }),
       StatusCode::NOT_FOUND, "leads/nobody"},
      {"record_followup_unknown_rep", kRecordFollowUp,
       FollowUpWith(
           [](v1::RecordFollowUpRequest& r) { r.mutable_followup()->set_rep("reps/zed"); }),
       StatusCode::NOT_FOUND, "reps/zed"},
      {"record_followup_unassigned_lead", kRecordFollowUp,
       FollowUpWith(
           [](v1::RecordFollowUpRequest& r) { r.mutable_followup()->set_lead("leads/l3"); }),
       StatusCode::FAILED_PRECONDITION, "UNASSIGNED"},
      {"record_followup_converted_before_qualified", kRecordFollowUp,
       FollowUpWith([](v1::RecordFollowUpRequest& r) {
         r.mutable_followup()->set_outcome(v1::FOLLOW_UP_OUTCOME_CONVERTED);
       }),
       StatusCode::FAILED_PRECONDITION, "OPEN"},
      {"record_followup_utf8_notes", kRecordFollowUp,
       NotUtf8<v1::RecordFollowUpRequest>([](v1::RecordFollowUpRequest& r) {
         r.mutable_followup()->set_lead("leads/l2");
         r.mutable_followup()->set_channel(v1::CHANNEL_PHONE);
         r.mutable_followup()->set_notes("@@");
       }),
       StatusCode::INVALID_ARGUMENT, "notes: not valid UTF-8"},
      {"list_followups_every_lead", kListFollowUps,
       Build<v1::ListFollowUpsRequest>(
           [](v1::ListFollowUpsRequest& r) { r.set_parent("leads/-"); }),
       StatusCode::INVALID_ARGUMENT, "parent"},
      {"list_followups_bad_parent", kListFollowUps,
       Build<v1::ListFollowUpsRequest>(
           [](v1::ListFollowUpsRequest& r) { r.set_parent("reps/ana"); }),
       StatusCode::INVALID_ARGUMENT, "parent"},
      {"list_followups_unknown_lead", kListFollowUps,
       Build<v1::ListFollowUpsRequest>(
           [](v1::ListFollowUpsRequest& r) { r.set_parent("leads/nobody"); }),
       StatusCode::NOT_FOUND, "leads/nobody"},
      {"list_followups_unknown_channel", kListFollowUps,
       Build<v1::ListFollowUpsRequest>([](v1::ListFollowUpsRequest& r) {
         r.set_parent("leads/l2");
         r.set_channel(static_cast<v1::Channel>(99));
       }),
       StatusCode::INVALID_ARGUMENT, "channel"},
      {"list_followups_token_of_another_list", kListFollowUps,
       [](const Seeds& seeds) {
         v1::ListFollowUpsRequest r;
         r.set_parent("leads/l2");
         r.set_page_token(seeds.assignments_token);
         return Wire(r);
       },
       StatusCode::INVALID_ARGUMENT, "page_token"},

      // ---- ReportService: the range is required and bounded, reps must exist.
      {"distribution_no_start", kDistribution, Build<v1::DistributionRequest>([](auto&) {}),
       StatusCode::INVALID_ARGUMENT, "filter.time_range.start_time"},
      {"distribution_unknown_rep", kDistribution,
       Build<v1::DistributionRequest>([](v1::DistributionRequest& r) {
         r.mutable_filter()->mutable_time_range()->mutable_start_time()->set_seconds(1);
         r.mutable_filter()->mutable_time_range()->mutable_end_time()->set_seconds(86'400);
         r.mutable_filter()->add_reps("reps/nobody");
       }),
       StatusCode::INVALID_ARGUMENT, "filter.reps[0]"},
      {"followups_over_400_days", kFollowUpsReport,
       Build<v1::FollowUpsRequest>([](v1::FollowUpsRequest& r) {
         r.mutable_filter()->mutable_time_range()->mutable_start_time()->set_seconds(1);
         r.mutable_filter()->mutable_time_range()->mutable_end_time()->set_seconds(401 * 86'400);
       }),
       StatusCode::INVALID_ARGUMENT, "400 days"},
      {"conversion_bad_group_by", kConversion,
       Build<v1::ConversionRequest>([](v1::ConversionRequest& r) {
         r.mutable_filter()->mutable_time_range()->mutable_start_time()->set_seconds(1);
         r.mutable_filter()->mutable_time_range()->mutable_end_time()->set_seconds(86'400);
         r.set_group_by(static_cast<v1::GroupBy>(99));
       }),
       StatusCode::INVALID_ARGUMENT, "group_by"},

      // ---- FollowUpService.ListTasks
      {"list_tasks_bad_rep", kListTasks,
       Build<v1::ListTasksRequest>([](v1::ListTasksRequest& r) { r.set_rep("ana"); }),
       StatusCode::INVALID_ARGUMENT, "rep"},
      {"list_tasks_bad_lead", kListTasks,
       Build<v1::ListTasksRequest>([](v1::ListTasksRequest& r) { r.set_lead("reps/ana"); }),
       StatusCode::INVALID_ARGUMENT, "lead"},
      {"list_tasks_unspecified_state", kListTasks,
       Build<v1::ListTasksRequest>(
           [](v1::ListTasksRequest& r) { r.add_states(v1::TASK_STATE_UNSPECIFIED); }),
       StatusCode::INVALID_ARGUMENT, "states[0]"},
      {"list_tasks_unknown_channel", kListTasks,
       Build<v1::ListTasksRequest>(
           [](v1::ListTasksRequest& r) { r.set_channel(static_cast<v1::Channel>(99)); }),
       StatusCode::INVALID_ARGUMENT, "channel"},
      {"list_tasks_due_backwards", kListTasks,
       Build<v1::ListTasksRequest>([](v1::ListTasksRequest& r) {
         r.mutable_due()->mutable_start_time()->set_seconds(2'000'000'000);
         r.mutable_due()->mutable_end_time()->set_seconds(1'000'000'000);
       }),
       StatusCode::INVALID_ARGUMENT, "due.end_time"},
      {"list_tasks_negative_page_size", kListTasks,
       Build<v1::ListTasksRequest>([](v1::ListTasksRequest& r) { r.set_page_size(-1); }),
       StatusCode::INVALID_ARGUMENT, "page_size"},
      {"list_tasks_token_of_another_list", kListTasks,
       [](const Seeds& seeds) {
         v1::ListTasksRequest r;
         r.set_page_token(seeds.assignments_token);
         return Wire(r);
       },
       StatusCode::INVALID_ARGUMENT, "page_token"},
      {"record_followup_task_of_another_lead", kRecordFollowUp,
       FollowUpWith([](v1::RecordFollowUpRequest& r) {
         r.mutable_followup()->set_task("leads/l9/tasks/0000000000000001");
       }),
       StatusCode::INVALID_ARGUMENT, "followup.task"},
      {"record_followup_not_a_task", kRecordFollowUp,
       FollowUpWith([](v1::RecordFollowUpRequest& r) { r.mutable_followup()->set_task("nope"); }),
       StatusCode::INVALID_ARGUMENT, "followup.task"},
      {"upsert_rep_bad_schedule_hours", kUpsertRep,
       Build<v1::UpsertRepRequest>([](v1::UpsertRepRequest& r) {
         r.mutable_rep()->set_name("reps/sched");
         r.mutable_rep()->mutable_schedule()->set_time_zone("UTC");
         r.mutable_rep()->mutable_schedule()->set_hours("mon-fri 9-5");
       }),
       StatusCode::INVALID_ARGUMENT, "rep.schedule.hours"},
      {"upsert_rep_schedule_without_zone", kUpsertRep,
       Build<v1::UpsertRepRequest>([](v1::UpsertRepRequest& r) {
         r.mutable_rep()->set_name("reps/sched");
         r.mutable_rep()->mutable_schedule()->set_hours("mon-fri 09:00-17:00");
       }),
       StatusCode::INVALID_ARGUMENT, "rep.schedule.time_zone"},
      {"upsert_rep_time_off_backwards", kUpsertRep,
       Build<v1::UpsertRepRequest>([](v1::UpsertRepRequest& r) {
         r.mutable_rep()->set_name("reps/sched");
         r.mutable_rep()->mutable_schedule()->set_time_zone("UTC");
         r.mutable_rep()->mutable_schedule()->set_hours("mon-fri 09:00-17:00");
         v1::TimeRange& off = *r.mutable_rep()->mutable_schedule()->add_time_off();
         off.mutable_start_time()->set_seconds(2'000'000'000);
         off.mutable_end_time()->set_seconds(1'000'000'000);
       }),
       StatusCode::INVALID_ARGUMENT, "rep.schedule.time_off[0].end_time"},

      // ---- AssignmentService.GetLead, ListAssignments, Explain
      {"get_lead_empty_name", kGetLead, Build<v1::GetLeadRequest>([](v1::GetLeadRequest&) {}),
       StatusCode::INVALID_ARGUMENT, "name"},
      {"get_lead_unknown", kGetLead,
       Build<v1::GetLeadRequest>([](v1::GetLeadRequest& r) { r.set_name("leads/nobody"); }),
       StatusCode::NOT_FOUND, "leads/nobody"},
      {"get_lead_utf8_name", kGetLead,
       NotUtf8<v1::GetLeadRequest>([](v1::GetLeadRequest& r) { r.set_name("leads/@@"); }),
       StatusCode::INVALID_ARGUMENT, "name: not valid UTF-8"},
      {"list_assignments_negative_page_size", kListAssignments,
       Build<v1::ListAssignmentsRequest>(
           [](v1::ListAssignmentsRequest& r) { r.set_page_size(-1); }),
       StatusCode::INVALID_ARGUMENT, "page_size"},
      {"list_assignments_unknown_kind", kListAssignments,
       Build<v1::ListAssignmentsRequest>(
           [](v1::ListAssignmentsRequest& r) { r.add_kinds(static_cast<v1::AssignmentKind>(99)); }),
       StatusCode::INVALID_ARGUMENT, "kinds[0]"},
      {"list_assignments_token_of_other_filter", kListAssignments,
       [](const Seeds& seeds) {
         v1::ListAssignmentsRequest r;
         r.set_oldest_first(true);
         r.set_page_token(seeds.assignments_token);
         return Wire(r);
       },
       StatusCode::INVALID_ARGUMENT, "page_token"},
      {"list_assignments_garbage_token", kListAssignments,
       Build<v1::ListAssignmentsRequest>(
           [](v1::ListAssignmentsRequest& r) { r.set_page_token("not-a-token"); }),
       StatusCode::INVALID_ARGUMENT, "page_token"},
      {"list_assignments_end_before_start", kListAssignments,
       Build<v1::ListAssignmentsRequest>([](v1::ListAssignmentsRequest& r) {
         r.mutable_decide_time()->mutable_start_time()->set_seconds(1000);
         r.mutable_decide_time()->mutable_end_time()->set_seconds(-1000);
       }),
       StatusCode::INVALID_ARGUMENT, "decide_time.end_time"},
      {"list_assignments_year_9999_is_empty", kListAssignments,
       Build<v1::ListAssignmentsRequest>([](v1::ListAssignmentsRequest& r) {
         r.mutable_decide_time()->mutable_start_time()->set_seconds(kYear9999);
       }),
       StatusCode::OK, ""},
      {"list_assignments_start_int64_max", kListAssignments,
       Build<v1::ListAssignmentsRequest>([](v1::ListAssignmentsRequest& r) {
         r.mutable_decide_time()->mutable_start_time()->set_seconds(
             std::numeric_limits<int64_t>::max());
       }),
       StatusCode::INVALID_ARGUMENT, "decide_time.start_time"},
      {"list_assignments_end_before_year_1", kListAssignments,
       Build<v1::ListAssignmentsRequest>([](v1::ListAssignmentsRequest& r) {
         r.mutable_decide_time()->mutable_end_time()->set_seconds(
             std::numeric_limits<int64_t>::min());
       }),
       StatusCode::INVALID_ARGUMENT, "decide_time.end_time"},
      {"list_assignments_bad_parent", kListAssignments,
       Build<v1::ListAssignmentsRequest>(
           [](v1::ListAssignmentsRequest& r) { r.set_parent("leads/a/b"); }),
       StatusCode::INVALID_ARGUMENT, "parent"},
      {"list_assignments_utf8_rep", kListAssignments,
       NotUtf8<v1::ListAssignmentsRequest>(
           [](v1::ListAssignmentsRequest& r) { r.set_rep("reps/@@"); }),
       StatusCode::INVALID_ARGUMENT, "rep: not valid UTF-8"},
      {"explain_empty_name", kExplain, Build<v1::ExplainRequest>([](v1::ExplainRequest&) {}),
       StatusCode::INVALID_ARGUMENT, "name"},
      {"explain_bad_name", kExplain,
       Build<v1::ExplainRequest>([](v1::ExplainRequest& r) { r.set_name("leads/l1/x/y"); }),
       StatusCode::INVALID_ARGUMENT, "name"},
      {"explain_unknown_assignment", kExplain, Build<v1::ExplainRequest>([](v1::ExplainRequest& r) {
         r.set_name("leads/l1/assignments/999999");
       }),
       StatusCode::NOT_FOUND, "leads/l1/assignments/999999"},

      // ---- RepService
      {"upsert_rep_empty_name", kUpsertRep, UpsertRep([](v1::Rep& r) { r.set_name(""); }),
       StatusCode::INVALID_ARGUMENT, "rep.name"},
      {"upsert_rep_10000_char_id", kUpsertRep,
       UpsertRep([](v1::Rep& r) { r.set_name("reps/" + std::string(10000, 'z')); }),
       StatusCode::INVALID_ARGUMENT, "rep.name"},
      {"upsert_rep_unknown_channel", kUpsertRep,
       UpsertRep([](v1::Rep& r) { r.add_channels(static_cast<v1::Channel>(99)); }),
       StatusCode::INVALID_ARGUMENT, "rep.channels[0]"},
      {"upsert_rep_duplicate_channel", kUpsertRep, UpsertRep([](v1::Rep& r) {
         r.add_channels(v1::CHANNEL_EMAIL);
         r.add_channels(v1::CHANNEL_EMAIL);
       }),
       StatusCode::INVALID_ARGUMENT, "rep.channels[1]"},
      {"upsert_rep_unknown_status", kUpsertRep,
       UpsertRep([](v1::Rep& r) { r.set_status(static_cast<v1::RepStatus>(99)); }),
       StatusCode::INVALID_ARGUMENT, "rep.status"},
      {"upsert_rep_negative_level", kUpsertRep, UpsertRep([](v1::Rep& r) { r.set_level(-1); }),
       StatusCode::INVALID_ARGUMENT, "rep.level"},
      {"upsert_rep_skill_level_zero", kUpsertRep,
       UpsertRep([](v1::Rep& r) { (*r.mutable_skills())["spanish"] = 0; }),
       StatusCode::INVALID_ARGUMENT, "rep.skills.spanish"},
      {"upsert_rep_negative_daily_cap", kUpsertRep,
       UpsertRep([](v1::Rep& r) { r.set_daily_cap(-1); }), StatusCode::INVALID_ARGUMENT,
       "rep.daily_cap"},
      {"upsert_rep_attribute_infinity", kUpsertRep,
       UpsertRep([](v1::Rep& r) { (*r.mutable_attributes())["score"].set_number_value(kInf); }),
       StatusCode::INVALID_ARGUMENT, "rep.attributes.score"},
      {"upsert_rep_1mb_display_name", kUpsertRep,
       UpsertRep([](v1::Rep& r) { r.set_display_name(std::string(1 << 20, 'd')); }),
       StatusCode::INVALID_ARGUMENT, "rep.display_name"},
      {"upsert_rep_stale_etag", kUpsertRep, UpsertRep([](v1::Rep& r) {
         r.set_name("reps/ana");
         r.set_etag("stale");
       }),
       StatusCode::ABORTED, "etag"},
      {"upsert_rep_utf8_display_name", kUpsertRep,
       UpsertRepNotUtf8([](v1::Rep& r) { r.set_display_name("@@"); }), StatusCode::INVALID_ARGUMENT,
       "rep.display_name: not valid UTF-8"},
      {"upsert_rep_utf8_tag", kUpsertRep, UpsertRepNotUtf8([](v1::Rep& r) { r.add_tags("@@"); }),
       StatusCode::INVALID_ARGUMENT, "rep.tags[0]: not valid UTF-8"},
      {"upsert_rep_utf8_skill", kUpsertRep,
       UpsertRepNotUtf8([](v1::Rep& r) { (*r.mutable_skills())["@@"] = 3; }),
       StatusCode::INVALID_ARGUMENT, "rep.skills (a key): not valid UTF-8"},
      {"upsert_rep_utf8_status_reason", kUpsertRep,
       UpsertRepNotUtf8([](v1::Rep& r) { r.set_status_reason("@@"); }),
       StatusCode::INVALID_ARGUMENT, "rep.status_reason: not valid UTF-8"},
      {"upsert_rep_unknown_mask_path", kUpsertRep,
       Build<v1::UpsertRepRequest>([](v1::UpsertRepRequest& r) {
         *r.mutable_rep() = Rep("ana");
         r.mutable_update_mask()->add_paths("load");
         r.set_actor("test");
       }),
       StatusCode::INVALID_ARGUMENT, "update_mask.paths[0]"},
      {"upsert_rep_require_existing", kUpsertRep,
       Build<v1::UpsertRepRequest>([](v1::UpsertRepRequest& r) {
         *r.mutable_rep() = Rep("nobody");
         r.set_require_existing(true);
         r.set_actor("test");
       }),
       StatusCode::NOT_FOUND, "reps/nobody"},
      {"get_rep_empty_name", kGetRep, Build<v1::GetRepRequest>([](v1::GetRepRequest&) {}),
       StatusCode::INVALID_ARGUMENT, "name"},
      {"get_rep_unknown", kGetRep,
       Build<v1::GetRepRequest>([](v1::GetRepRequest& r) { r.set_name("reps/nobody"); }),
       StatusCode::NOT_FOUND, "reps/nobody"},
      {"list_reps_unknown_status", kListReps,
       Build<v1::ListRepsRequest>(
           [](v1::ListRepsRequest& r) { r.add_statuses(static_cast<v1::RepStatus>(99)); }),
       StatusCode::INVALID_ARGUMENT, "statuses[0]"},
      {"list_reps_negative_page_size", kListReps,
       Build<v1::ListRepsRequest>([](v1::ListRepsRequest& r) { r.set_page_size(-5); }),
       StatusCode::INVALID_ARGUMENT, "page_size"},
      {"list_reps_token_of_other_filter", kListReps,
       [](const Seeds& seeds) {
         v1::ListRepsRequest r;
         r.set_team("smb");
         r.set_page_token(seeds.reps_token);
         return Wire(r);
       },
       StatusCode::INVALID_ARGUMENT, "page_token"},
      {"list_reps_utf8_team", kListReps,
       NotUtf8<v1::ListRepsRequest>([](v1::ListRepsRequest& r) { r.set_team("@@"); }),
       StatusCode::INVALID_ARGUMENT, "team: not valid UTF-8"},
      {"set_status_unknown_status", kSetStatus,
       Build<v1::SetRepStatusRequest>([](v1::SetRepStatusRequest& r) {
         r.set_name("reps/ana");
         r.set_status(static_cast<v1::RepStatus>(99));
         r.set_actor("test");
       }),
       StatusCode::INVALID_ARGUMENT, "status"},
      {"set_status_until_before_1970", kSetStatus,
       Build<v1::SetRepStatusRequest>([](v1::SetRepStatusRequest& r) {
         r.set_name("reps/ana");
         r.set_status(v1::REP_STATUS_AWAY);
         r.mutable_until()->set_seconds(-86400);
         r.set_actor("test");
       }),
       StatusCode::INVALID_ARGUMENT, "until"},
      {"set_status_until_year_10000", kSetStatus,
       Build<v1::SetRepStatusRequest>([](v1::SetRepStatusRequest& r) {
         r.set_name("reps/ana");
         r.set_status(v1::REP_STATUS_AWAY);
         r.mutable_until()->set_seconds(kYear10000);
         r.set_actor("test");
       }),
       StatusCode::INVALID_ARGUMENT, "until"},
      {"set_status_no_actor", kSetStatus,
       Build<v1::SetRepStatusRequest>([](v1::SetRepStatusRequest& r) {
         r.set_name("reps/ana");
         r.set_status(v1::REP_STATUS_AWAY);
       }),
       StatusCode::INVALID_ARGUMENT, "actor"},
      {"set_status_utf8_reason", kSetStatus,
       NotUtf8<v1::SetRepStatusRequest>([](v1::SetRepStatusRequest& r) {
         r.set_name("reps/ana");
         r.set_status(v1::REP_STATUS_AWAY);
         r.set_actor("test");
         r.set_reason("@@");
       }),
       StatusCode::INVALID_ARGUMENT, "reason: not valid UTF-8"},
      {"remove_rep_unknown_policy", kRemoveRep,
       Build<v1::RemoveRepRequest>([](v1::RemoveRepRequest& r) {
         r.set_name("reps/ana");
         r.set_open_leads(static_cast<v1::OpenLeadsPolicy>(99));
         r.set_actor("test");
         r.set_reason("why");
       }),
       StatusCode::INVALID_ARGUMENT, "open_leads"},
      {"remove_rep_stale_etag", kRemoveRep,
       Build<v1::RemoveRepRequest>([](v1::RemoveRepRequest& r) {
         r.set_name("reps/eve");
         r.set_actor("test");
         r.set_reason("why");
         r.set_etag("stale");
       }),
       StatusCode::ABORTED, "etag"},
      {"remove_rep_unknown", kRemoveRep, Build<v1::RemoveRepRequest>([](v1::RemoveRepRequest& r) {
         r.set_name("reps/nobody");
         r.set_actor("test");
         r.set_reason("why");
       }),
       StatusCode::NOT_FOUND, "reps/nobody"},
      {"remove_rep_utf8_etag", kRemoveRep,
       NotUtf8<v1::RemoveRepRequest>([](v1::RemoveRepRequest& r) {
         r.set_name("reps/eve");
         r.set_actor("test");
         r.set_reason("why");
         r.set_etag("@@");
       }),
       StatusCode::INVALID_ARGUMENT, "etag: not valid UTF-8"},

      // ---- RuleService
      {"check_utf8_source", kCheck, NotUtf8<v1::CheckRequest>([](v1::CheckRequest& r) {
         r.set_source("rule \"a\"\n  when source == \"@@\"\n");
       }),
       // A rule source has lines: where the bytes are, as a rule file's diagnostic would say it.
       StatusCode::INVALID_ARGUMENT,
       "source: not valid UTF-8 (0xFF is never used in UTF-8, at line 2, column 19 (byte 27))"},
      {"check_utf8_file_name", kCheck, NotUtf8<v1::CheckRequest>([](v1::CheckRequest& r) {
         r.set_source(kTestRules);
         r.set_file_name("@@.rules");
       }),
       StatusCode::INVALID_ARGUMENT, "file_name: not valid UTF-8"},
      {"check_source_over_1mib", kCheck, Build<v1::CheckRequest>([](v1::CheckRequest& r) {
         r.set_source(std::string((1 << 20) + 1, '#'));
       }),
       StatusCode::RESOURCE_EXHAUSTED, "source"},
      {"check_10000_rules", kCheck,
       Build<v1::CheckRequest>([](v1::CheckRequest& r) { r.set_source(ManyRules(10000)); }),
       StatusCode::OK, "r9999"},
      {"check_10000_clause_condition", kCheck,
       Build<v1::CheckRequest>([](v1::CheckRequest& r) { r.set_source(LongCondition(10000)); }),
       StatusCode::OK, "operators deep"},
      {"check_deep_nesting", kCheck,
       Build<v1::CheckRequest>([](v1::CheckRequest& r) { r.set_source(DeepCondition(10000)); }),
       StatusCode::OK, "nests deeper"},
      {"publish_no_author", kPublish, Build<v1::PublishRequest>([](v1::PublishRequest& r) {
         r = PublishOf(kTestRules);
         r.clear_author();
       }),
       StatusCode::INVALID_ARGUMENT, "author"},
      {"publish_rule_errors", kPublish, Build<v1::PublishRequest>([](v1::PublishRequest& r) {
         r = PublishOf("rule \"x\" when (\n");
       }),
       StatusCode::INVALID_ARGUMENT, "inline.rules:1:"},
      {"publish_deep_nesting", kPublish, Build<v1::PublishRequest>([](v1::PublishRequest& r) {
         r = PublishOf(DeepCondition(10000));
       }),
       StatusCode::INVALID_ARGUMENT, "nests deeper"},
      {"publish_10000_clause_condition", kPublish,
       Build<v1::PublishRequest>(
           [](v1::PublishRequest& r) { r = PublishOf(LongCondition(10000)); }),
       StatusCode::INVALID_ARGUMENT, "operators deep"},
      {"publish_wrong_expected_version", kPublish,
       Build<v1::PublishRequest>([](v1::PublishRequest& r) {
         r = PublishOf(ManyRules(2));
         r.set_expected_active_version(7);
       }),
       StatusCode::ABORTED, "7"},
      {"publish_utf8_source", kPublish,
       NotUtf8<v1::PublishRequest>([](v1::PublishRequest& r) { r = PublishOf("# @@\n"); }),
       StatusCode::INVALID_ARGUMENT, "source: not valid UTF-8"},
      {"publish_utf8_message", kPublish, NotUtf8<v1::PublishRequest>([](v1::PublishRequest& r) {
         r = PublishOf(ManyRules(2));
         r.set_message("@@");
       }),
       StatusCode::INVALID_ARGUMENT, "message: not valid UTF-8"},
      {"dry_run_no_leads", kDryRun,
       Build<v1::DryRunRequest>([](v1::DryRunRequest& r) { r = DryRunOf(0); }),
       StatusCode::INVALID_ARGUMENT, "leads"},
      {"dry_run_duplicate_reps", kDryRun, Build<v1::DryRunRequest>([](v1::DryRunRequest& r) {
         r = DryRunOf(1);
         *r.add_reps() = Rep("ana");
         *r.add_reps() = Rep("ana");
       }),
       StatusCode::INVALID_ARGUMENT, "reps[1].name"},
      {"dry_run_duplicate_leads", kDryRun, Build<v1::DryRunRequest>([](v1::DryRunRequest& r) {
         r = DryRunOf(1);
         *r.add_leads() = r.leads(0);
       }),
       StatusCode::INVALID_ARGUMENT, "leads[1].name"},
      {"dry_run_threshold_nan", kDryRun, Build<v1::DryRunRequest>([](v1::DryRunRequest& r) {
         r = DryRunOf(1);
         r.set_high_quality_threshold(kNaN);
       }),
       StatusCode::INVALID_ARGUMENT, "high_quality_threshold"},
      {"dry_run_lead_quality_infinity", kDryRun, Build<v1::DryRunRequest>([](v1::DryRunRequest& r) {
         r = DryRunOf(2);
         r.mutable_leads(1)->set_quality(-kInf);
       }),
       StatusCode::INVALID_ARGUMENT, "leads[1].quality"},
      {"dry_run_unknown_version", kDryRun, Build<v1::DryRunRequest>([](v1::DryRunRequest& r) {
         r = DryRunOf(1);
         r.set_version(999);
       }),
       StatusCode::NOT_FOUND, "999"},
      {"dry_run_start_time_year_10000", kDryRun, Build<v1::DryRunRequest>([](v1::DryRunRequest& r) {
         r = DryRunOf(1);
         r.mutable_start_time()->set_seconds(kYear10000);
       }),
       StatusCode::INVALID_ARGUMENT, "start_time"},
      {"dry_run_utf8_rep_team", kDryRun, NotUtf8<v1::DryRunRequest>([](v1::DryRunRequest& r) {
         r = DryRunOf(1);
         *r.add_reps() = Rep("ana");
         r.mutable_reps(0)->set_team("@@");
       }),
       StatusCode::INVALID_ARGUMENT, "reps[0].team: not valid UTF-8"},
      {"backtest_bad_rules", kBacktest, Build<v1::BacktestRequest>([](v1::BacktestRequest& r) {
         r.set_source("rule \"x\"\n  when");
       }),
       StatusCode::INVALID_ARGUMENT, "inline.rules:2:"},
      {"backtest_unknown_version", kBacktest,
       Build<v1::BacktestRequest>([](v1::BacktestRequest& r) { r.set_version(999); }),
       StatusCode::NOT_FOUND, "999"},
      {"backtest_empty_range", kBacktest, Build<v1::BacktestRequest>([](v1::BacktestRequest& r) {
         r.mutable_decide_time()->mutable_start_time()->set_seconds(1800000000);
         r.mutable_decide_time()->mutable_end_time()->set_seconds(1800000000);
       }),
       StatusCode::INVALID_ARGUMENT, "decide_time"},
      {"backtest_negative_max_leads", kBacktest,
       Build<v1::BacktestRequest>([](v1::BacktestRequest& r) { r.set_max_leads(-1); }),
       StatusCode::INVALID_ARGUMENT, "max_leads"},
      {"get_rules_bad_name", kGetRules,
       Build<v1::GetRulesRequest>([](v1::GetRulesRequest& r) { r.set_name("rules/versions/-3"); }),
       StatusCode::INVALID_ARGUMENT, "name"},
      {"get_rules_unknown_version", kGetRules,
       Build<v1::GetRulesRequest>([](v1::GetRulesRequest& r) { r.set_name("rules/versions/999"); }),
       StatusCode::NOT_FOUND, "999"},
      {"list_versions_garbage_token", kListVersions,
       Build<v1::ListVersionsRequest>(
           [](v1::ListVersionsRequest& r) { r.set_page_token("garbage"); }),
       StatusCode::INVALID_ARGUMENT, "page_token"},
      {"list_versions_utf8_author", kListVersions,
       NotUtf8<v1::ListVersionsRequest>([](v1::ListVersionsRequest& r) { r.set_author("@@"); }),
       StatusCode::INVALID_ARGUMENT, "author: not valid UTF-8"},
      {"list_versions_start_year_10000", kListVersions,
       Build<v1::ListVersionsRequest>([](v1::ListVersionsRequest& r) {
         r.mutable_create_time()->mutable_start_time()->set_seconds(kYear10000);
       }),
       StatusCode::INVALID_ARGUMENT, "create_time.start_time"},
      {"list_versions_end_nanos_out_of_range", kListVersions,
       Build<v1::ListVersionsRequest>([](v1::ListVersionsRequest& r) {
         r.mutable_create_time()->mutable_end_time()->set_nanos(2000000000);
       }),
       StatusCode::INVALID_ARGUMENT, "create_time.end_time"},
      {"rollback_no_actor", kRollback, Build<v1::RollbackRequest>([](v1::RollbackRequest& r) {
         r.set_name("rules/versions/1");
         r.set_reason("why");
       }),
       StatusCode::INVALID_ARGUMENT, "actor"},
      {"rollback_unknown_version", kRollback,
       Build<v1::RollbackRequest>([](v1::RollbackRequest& r) {
         r.set_name("rules/versions/999");
         r.set_actor("test");
         r.set_reason("why");
       }),
       StatusCode::NOT_FOUND, "999"},
      {"rollback_10000_char_name", kRollback,
       Build<v1::RollbackRequest>([](v1::RollbackRequest& r) {
         r.set_name("rules/versions/" + std::string(10000, '9'));
         r.set_actor("test");
         r.set_reason("why");
       }),
       StatusCode::INVALID_ARGUMENT, "name"},

      // ---- AdminService
      {"backup_empty_directory", kBackup, Build<v1::BackupRequest>([](v1::BackupRequest&) {}),
       StatusCode::INVALID_ARGUMENT, "directory"},
      {"backup_relative_directory", kBackup,
       Build<v1::BackupRequest>([](v1::BackupRequest& r) { r.set_directory("backups/today"); }),
       StatusCode::INVALID_ARGUMENT, "directory"},
      {"backup_existing_directory", kBackup,
       Build<v1::BackupRequest>([](v1::BackupRequest& r) { r.set_directory("/"); }),
       StatusCode::ALREADY_EXISTS, "directory"},
      {"backup_missing_parent", kBackup, Build<v1::BackupRequest>([](v1::BackupRequest& r) {
         r.set_directory("/nonexistent-parent-x/backup");
       }),
       StatusCode::FAILED_PRECONDITION, "/nonexistent-parent-x/backup"},
      {"backup_utf8_directory", kBackup,
       NotUtf8<v1::BackupRequest>([](v1::BackupRequest& r) { r.set_directory("/tmp/@@"); }),
       StatusCode::INVALID_ARGUMENT, "directory: not valid UTF-8"},

      // ---- EventService (WatchEvents is a stream; each row is refused before any event)
      {"watch_not_a_cursor", kWatchEvents,
       Build<v1::WatchEventsRequest>([](v1::WatchEventsRequest& r) { r.set_after("nope"); }),
       StatusCode::INVALID_ARGUMENT, "after"},
      {"watch_cursor_past_the_end", kWatchEvents,
       Build<v1::WatchEventsRequest>(
           [](v1::WatchEventsRequest& r) { r.set_after("00000000000f423f"); }),
       StatusCode::OUT_OF_RANGE, "00000000000f423f"},
      {"watch_unknown_kind", kWatchEvents,
       Build<v1::WatchEventsRequest>([](v1::WatchEventsRequest& r) { r.mutable_kinds()->Add(99); }),
       StatusCode::INVALID_ARGUMENT, "kinds[0]"},
      {"watch_unspecified_kind", kWatchEvents,
       Build<v1::WatchEventsRequest>(
           [](v1::WatchEventsRequest& r) { r.add_kinds(v1::EVENT_KIND_UNSPECIFIED); }),
       StatusCode::INVALID_ARGUMENT, "kinds[0]"},
      {"watch_lead_of_another_collection", kWatchEvents,
       Build<v1::WatchEventsRequest>([](v1::WatchEventsRequest& r) { r.set_lead("reps/ana"); }),
       StatusCode::INVALID_ARGUMENT, "lead"},
      {"watch_utf8_lead", kWatchEvents,
       NotUtf8<v1::WatchEventsRequest>([](v1::WatchEventsRequest& r) { r.set_lead("leads/@@"); }),
       StatusCode::INVALID_ARGUMENT, "lead: not valid UTF-8"},
      {"list_lead_events_no_lead", kListLeadEvents,
       Build<v1::ListLeadEventsRequest>([](v1::ListLeadEventsRequest&) {}),
       StatusCode::INVALID_ARGUMENT, "lead"},
      {"list_lead_events_unknown_kind", kListLeadEvents,
       Build<v1::ListLeadEventsRequest>([](v1::ListLeadEventsRequest& r) {
         r.set_lead("leads/l1");
         r.mutable_kinds()->Add(-3);
       }),
       StatusCode::INVALID_ARGUMENT, "kinds[0]"},
      {"list_lead_events_negative_page_size", kListLeadEvents,
       Build<v1::ListLeadEventsRequest>([](v1::ListLeadEventsRequest& r) {
         r.set_lead("leads/l1");
         r.set_page_size(-1);
       }),
       StatusCode::INVALID_ARGUMENT, "page_size"},
      {"list_lead_events_foreign_token", kListLeadEvents,
       Build<v1::ListLeadEventsRequest>([](v1::ListLeadEventsRequest& r) {
         r.set_lead("leads/l1");
         r.set_page_token("not-a-token");
       }),
       StatusCode::INVALID_ARGUMENT, "page_token"},
      {"list_lead_events_token_of_another_lead", kListLeadEvents,
       [](const Seeds& seeds) {
         v1::ListLeadEventsRequest r;
         r.set_lead("leads/l2");
         r.set_page_token(seeds.lead_events_token);
         return Wire(r);
       },
       StatusCode::INVALID_ARGUMENT, "page_token"},

      // ---- grpc.health.v1.Health: gRPC's own service, which parses its requests itself (the
      // strict parser of proto/strict_parse.h is not in front of it), so bytes that are not
      // UTF-8 are refused without naming the field.
      {"health_unknown_service", kHealth,
       Build<grpc::health::v1::HealthCheckRequest>(
           [](grpc::health::v1::HealthCheckRequest& r) { r.set_service("nosuch.Service"); }),
       StatusCode::NOT_FOUND, "unknown"},
      {"health_utf8_service", kHealth,
       NotUtf8<grpc::health::v1::HealthCheckRequest>(
           [](grpc::health::v1::HealthCheckRequest& r) { r.set_service("@@"); }),
       StatusCode::INVALID_ARGUMENT, "could not parse request"},
  };
}

// With LEADROUTER_FUZZ_WRITE_SEEDS=DIR, every request the catalogue sends is also written to DIR as
// a seed of the request fuzzer (tests/fuzz/fuzz_requests.cc; scripts/fuzz-smoke.sh sets it), so the
// fuzzer starts from the cases people thought of. Requests to methods it does not call are not.
void WriteFuzzSeed(const std::string& name, const std::string& path, const std::string& wire) {
  const char* dir = std::getenv("LEADROUTER_FUZZ_WRITE_SEEDS");
  if (dir == nullptr || *dir == '\0') return;
  static const std::vector<std::string> paths = FuzzedMethodPaths();
  const std::string input = FuzzerInput(paths, path, wire);
  if (input.empty()) return;
  std::ofstream(std::string(dir) + "/" + name, std::ios::binary) << input;
}

class BadInputTest : public ::testing::Test {
 protected:
  BadInputTest()
      : server_({.rules = kTestRules, .reps_csv = kTestReps}),
        channel_(grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials())) {}

  struct Reply {
    grpc::Status status;
    std::string bytes;
  };

  Reply Send(const std::string& path, const std::string& wire) {
    WriteFuzzSeed("seed-" + std::to_string(++sent_), path, wire);
    grpc::Slice slice(wire);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    Reply reply;
    reply.status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
        channel_.get(),
        grpc::internal::RpcMethod(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC), &context,
        request, &response);
    if (reply.status.ok()) {
      std::vector<grpc::Slice> slices;
      EXPECT_TRUE(response.Dump(&slices).ok());
      for (const grpc::Slice& s : slices) {
        reply.bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
    return reply;
  }

  bool Serving() {
    grpc::health::v1::HealthCheckResponse response;
    auto health = grpc::health::v1::Health::NewStub(channel_);
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return health->Check(c, grpc::health::v1::HealthCheckRequest(), &response);
    });
    return status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  }

  // Everything stored, as the API shows it: deterministic bytes by the reply that shows them.
  using Fingerprint = std::map<std::string, std::string>;
  Fingerprint Stored() {
    Fingerprint out;
    const auto add = [&out](const grpc::Status& status, const Message& message) {
      EXPECT_TRUE(status.ok()) << status.error_message();
      std::string& bytes = out[std::to_string(out.size()) + " " + message.GetTypeName()];
      google::protobuf::io::StringOutputStream stream(&bytes);
      google::protobuf::io::CodedOutputStream coded(&stream);
      coded.SetSerializationDeterministic(true);
      message.SerializeToCodedStream(&coded);
    };
    v1::ListAssignmentsRequest assignments;
    assignments.set_page_size(1000);
    v1::ListAssignmentsResponse assignments_reply;
    add(server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().ListAssignments(c, assignments, &assignments_reply);
    }),
        assignments_reply);
    std::set<std::string> leads;
    for (const v1::Assignment& a : assignments_reply.assignments()) leads.insert(a.lead());
    for (const std::string& lead : leads) {
      v1::GetLeadRequest get;
      get.set_name(lead);
      v1::GetLeadResponse reply;
      add(server_.Call([&](grpc::ClientContext* c) {
        return server_.assignments().GetLead(c, get, &reply);
      }),
          reply);
    }
    for (const std::string& lead : leads) {
      v1::ListLeadEventsRequest events;
      events.set_lead(lead);
      events.set_page_size(1000);
      v1::ListLeadEventsResponse reply;
      add(server_.Call([&](grpc::ClientContext* c) {
        return server_.events().ListLeadEvents(c, events, &reply);
      }),
          reply);
    }
    v1::ListRepsRequest reps;
    reps.set_page_size(1000);
    v1::ListRepsResponse reps_reply;
    add(server_.Call(
            [&](grpc::ClientContext* c) { return server_.reps().List(c, reps, &reps_reply); }),
        reps_reply);
    v1::ListVersionsRequest versions;
    v1::ListVersionsResponse versions_reply;
    add(server_.Call([&](grpc::ClientContext* c) {
      return server_.rules().ListVersions(c, versions, &versions_reply);
    }),
        versions_reply);
    v1::GetRulesResponse rules_reply;
    add(server_.Call([&](grpc::ClientContext* c) {
      return server_.rules().GetRules(c, v1::GetRulesRequest(), &rules_reply);
    }),
        rules_reply);
    return out;
  }

  // Three leads (one to a rep by "ads", one to ana by "vip", one unassigned) and the page tokens.
  Seeds Seed() {
    for (const v1::Lead& lead :
         {MakeLead("l1", "ads", 50), MakeLead("l2", "web", 95), MakeLead("l3", "web", 10)}) {
      v1::AssignResponse response;
      const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
        return server_.assignments().Assign(c, AssignOf(lead), &response);
      });
      EXPECT_TRUE(status.ok()) << status.error_message();
      WriteFuzzSeed("valid-assign-" + lead.name().substr(lead.name().rfind('/') + 1), kAssign.path,
                    Wire(AssignOf(lead)));
    }
    Seeds seeds;
    v1::ListAssignmentsRequest assignments;
    assignments.set_page_size(1);
    v1::ListAssignmentsResponse assignments_reply;
    EXPECT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.assignments().ListAssignments(c, assignments,
                                                                   &assignments_reply);
                    })
                    .ok());
    seeds.assignments_token = assignments_reply.next_page_token();
    v1::ListRepsRequest reps;
    reps.set_page_size(1);
    v1::ListRepsResponse reps_reply;
    EXPECT_TRUE(
        server_
            .Call([&](grpc::ClientContext* c) { return server_.reps().List(c, reps, &reps_reply); })
            .ok());
    seeds.reps_token = reps_reply.next_page_token();
    WriteFuzzSeed("valid-list-assignments", kListAssignments.path, Wire(assignments));
    WriteFuzzSeed("valid-list-reps", kListReps.path, Wire(reps));
    v1::SetPinRequest pin;
    pin.set_lead("leads/l1");
    pin.set_pinned(true);
    pin.set_actor("test");
    pin.set_reason("seed");
    v1::SetPinResponse pinned;
    EXPECT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.assignments().SetPin(c, pin, &pinned);
                    })
                    .ok());
    v1::ListLeadEventsRequest events;
    events.set_lead("leads/l1");
    events.set_page_size(1);
    v1::ListLeadEventsResponse events_reply;
    EXPECT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.events().ListLeadEvents(c, events, &events_reply);
                    })
                    .ok());
    seeds.lead_events_token = events_reply.next_page_token();
    EXPECT_FALSE(seeds.lead_events_token.empty());
    WriteFuzzSeed("valid-list-lead-events", "/leadrouter.v1.EventService/ListLeadEvents",
                  Wire(events));
    EXPECT_FALSE(seeds.assignments_token.empty());
    EXPECT_FALSE(seeds.reps_token.empty());
    return seeds;
  }

  ServerHarness server_;
  std::shared_ptr<grpc::Channel> channel_;
  int sent_ = 0;
};

TEST_F(BadInputTest, EveryRowIsAPreciseStatusAndChangesNothing) {
  ASSERT_TRUE(server_.status().ok()) << server_.status();
  const Seeds seeds = Seed();
  std::vector<Row> rows = Catalogue();
  EXPECT_GE(rows.size(), 60u);
  std::set<std::string> names;
  std::set<std::string> rpcs;
  Fingerprint before = Stored();
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_TRUE(names.insert(row.name).second) << "row names are unique";
    rpcs.insert(row.rpc.path);
    const Reply reply = Send(row.rpc.path, row.wire(seeds));
    const grpc::Status& status = reply.status;
    EXPECT_EQ(status.error_code(), row.code) << status.error_message();
    EXPECT_NE(status.error_code(), StatusCode::UNKNOWN);
    EXPECT_NE(status.error_code(), StatusCode::INTERNAL);
    if (row.code == StatusCode::OK) {
      if (status.ok() && row.rpc.response != nullptr) {
        std::unique_ptr<Message> response(row.rpc.response->New());
        ASSERT_TRUE(response->ParseFromString(reply.bytes));
        EXPECT_NE(response->DebugString().find(row.has), std::string::npos)
            << response->DebugString().substr(0, 2000);
      }
    } else {
      EXPECT_FALSE(status.error_message().empty());
      EXPECT_NE(status.error_message().find(row.has), std::string::npos)
          << "\"" << status.error_message().substr(0, 500) << "\" should name " << row.has;
    }
    ASSERT_TRUE(Serving()) << "the server stopped serving";
    const Fingerprint after = Stored();
    EXPECT_EQ(after.size(), before.size()) << "the stored data changed: other leads";
    for (const auto& [what, bytes] : before) {
      const auto it = after.find(what);
      EXPECT_TRUE(it != after.end() && it->second == bytes) << "the stored data changed: " << what;
    }
    before = after;  // each row answers for its own change only
  }
  // Every RPC of every service has at least one row.
  EXPECT_EQ(rpcs.size(), 32u);
}

// A rule file (not an API string) that is not UTF-8 is the parser's `invalid-utf8` diagnostic at
// its line and column, and the server does not start on it.
TEST(BadRulesFileTest, InvalidUtf8IsADiagnosticWithLineAndColumn) {
  ServerHarness server({.rules = "rule \"all\"\n  when source == \"a\xFFz\"\n  distribute "
                                 "round_robin\n"});
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(server.status().message().find("invalid-utf8"), std::string::npos)
      << server.status().message();
  EXPECT_NE(server.status().message().find(":2:20"), std::string::npos)
      << server.status().message();
}

}  // namespace
}  // namespace leadrouter::testing
