#include "storage/span_facts_backfill.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "rocksdb/write_batch.h"
#include "spdlog/spdlog.h"
#include "storage/assignment_store.h"
#include "storage/followup_store.h"
#include "storage/keys.h"
#include "storage/layout.h"
#include "storage/lead_store.h"
#include "storage/read_view.h"
#include "storage/rep_store.h"
#include "storage/span_facts.h"
#include "storage/status.h"
#include "storage/task_store.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

// Rows per write: bounds the memory of the build and the size of each batch.
constexpr uint32_t kRowsPerBatch = 10'000;

int64_t Micros(const google::protobuf::Timestamp& time) {
  return TimeUtil::TimestampToMicroseconds(time);
}

// The step of the opening entry's SLA chain a breach entry applied: the last reassign or escalate
// step due by the breach; reassign when the chain does not say. (The writer knows the step.)
v1::SlaAction BreachAction(const v1::Assignment& opening, const v1::Assignment& breach) {
  v1::SlaAction action = v1::SLA_ACTION_REASSIGN;
  for (const v1::SlaStep& step : opening.sla().steps()) {
    const bool moves =
        step.action() == v1::SLA_ACTION_REASSIGN || step.action() == v1::SLA_ACTION_ESCALATE;
    if (moves && step.has_due_time() && Micros(step.due_time()) <= Micros(breach.decide_time())) {
      action = step.action();
    }
  }
  return action;
}

struct Span {
  SpanFact fact;
  v1::Assignment opening;
};

// One lead's spans from its history (oldest first), follow-ups and tasks.
absl::StatusOr<std::vector<Span>> SpansOfLead(const ReadView& view,
                                              const std::vector<HistoryRecord>& history,
                                              const v1::Lead& lead) {
  std::vector<Span> spans;
  std::optional<size_t> open;
  for (const HistoryRecord& record : history) {
    const v1::Assignment& entry = record.assignment();
    if (open.has_value()) {
      Span& span = spans[*open];
      if (entry.kind() == v1::ASSIGNMENT_KIND_SLA_BREACH &&
          entry.previous_rep() == span.fact.rep()) {
        AddBreach(span.fact, BreachAction(span.opening, entry));
      }
      if (EndsOwnership(entry, span.fact.rep())) {
        EndSpan(span.fact, entry, lead);
        open.reset();
      }
    }
    if (MadeOwner(entry)) {
      ASSIGN_OR_RETURN(const std::optional<v1::Rep> rep,
                       RepAsOf(view, entry.rep(), record.sequence()));
      spans.push_back(Span{NewSpanFact(record, lead, rep.has_value() ? &*rep : nullptr), entry});
      open = spans.size() - 1;
    }
  }
  if (spans.empty()) return spans;
  RETURN_IF_ERROR(ListLeadFollowUps(view, lead.name(), [&](uint64_t, const v1::FollowUp& followup) {
    for (Span& span : spans) {
      if (InSpan(span.fact, followup)) AddFollowUp(span.fact, followup);
    }
    return true;
  }));
  RETURN_IF_ERROR(ListLeadTasks(
      view, lead.name(), [&](uint64_t sequence, const v1::Task& task) -> absl::StatusOr<bool> {
        for (Span& span : spans) {
          if (task.assignment() == span.opening.name()) PutTaskFact(span.fact, sequence, task);
        }
        return true;
      }));
  return spans;
}

}  // namespace

absl::StatusOr<int64_t> BuildSpanFactsIfMissing(Database& db) {
  rocksdb::ColumnFamilyHandle* meta = db.handle(ColumnFamily::kMeta);
  const std::string marker(meta_key::kSpanFactsBuilt);
  std::string stored;
  const rocksdb::Status found = db.raw().Get(rocksdb::ReadOptions(), meta, marker, &stored);
  if (found.ok()) return 0;
  if (!found.IsNotFound()) return FromRocksDb(found, "read the span facts marker");

  const absl::Time started = absl::Now();
  rocksdb::ColumnFamilyHandle* facts = db.handle(ColumnFamily::kSpanFacts);
  rocksdb::ColumnFamilyHandle* leads = db.handle(ColumnFamily::kLeads);
  rocksdb::WriteOptions synced;
  synced.sync = true;
  rocksdb::WriteBatch batch;
  int64_t rows = 0;
  DatabaseView view(db);

  // The spans of the lead whose history was just read, into the batch.
  const auto build_lead = [&](const std::vector<HistoryRecord>& history) -> absl::Status {
    const std::string& name = history.front().assignment().lead();
    ASSIGN_OR_RETURN(std::optional<LeadRecord> lead, ReadLead(view, name));
    if (!lead.has_value()) {
      return absl::DataLossError(absl::StrCat("history of ", name, " names a missing lead"));
    }
    ASSIGN_OR_RETURN(const std::vector<Span> spans, SpansOfLead(view, history, lead->lead()));
    if (spans.empty()) return absl::OkStatus();
    for (const Span& span : spans) {
      (void)batch.Put(facts, keys::SpanFactRow(span.fact.decide_us(), span.fact.sequence()),
                      EncodeProto(span.fact));
    }
    lead->set_open_span_decide_us(spans.back().fact.decide_us());
    lead->set_open_span_sequence(spans.back().fact.sequence());
    (void)batch.Put(leads, keys::Lead(name), EncodeProto(*lead));
    rows += static_cast<int64_t>(spans.size());
    if (batch.Count() < kRowsPerBatch) return absl::OkStatus();
    RETURN_IF_ERROR(FromRocksDb(db.raw().Write(synced, &batch), "write span facts"));
    batch.Clear();
    spdlog::info("span facts built from history: {} so far", rows);
    return absl::OkStatus();
  };

  std::vector<HistoryRecord> history;  // one lead's, in sequence order
  absl::Status failed;
  RETURN_IF_ERROR(ListAllHistory(view, [&](const HistoryRecord& record) {
    if (!history.empty() && history.front().assignment().lead() != record.assignment().lead()) {
      failed = build_lead(history);
      history.clear();
      if (!failed.ok()) return false;
    }
    history.push_back(record);
    return true;
  }));
  RETURN_IF_ERROR(failed);
  if (!history.empty()) RETURN_IF_ERROR(build_lead(history));
  (void)batch.Put(meta, marker, EncodeInteger(1));
  RETURN_IF_ERROR(FromRocksDb(db.raw().Write(synced, &batch), "write span facts"));
  if (rows > 0) {
    spdlog::info("span facts built from history at open: {} owner spans in {} ms", rows,
                 absl::ToInt64Milliseconds(absl::Now() - started));
  }
  return rows;
}

}  // namespace leadrouter::storage
