// The on-disk layout: column families, the schema version and the metadata keys.
//
// docs/storage.md describes every key and value; this header is the one place that names them.
// Changing a key or value format in an incompatible way means bumping kSchemaVersion.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace leadrouter::storage {

// The layout this build reads and writes. Open refuses a directory written with another one.
// Column families added later without a new version (events, events_by_lead, lead_index,
// rep_versions, due, assignments_by_sequence, counter_checkpoint, score_models,
// score_model_bytes, span_facts) are created empty when a database
// from before them is opened (storage/database.cc); the lead index is then built from the leads
// (storage/lead_index.h), the span facts from history (storage/span_facts.h).
inline constexpr uint32_t kSchemaVersion = 1;

enum class ColumnFamily : int {
  kDefault = 0,        // RocksDB's own; leadrouter stores nothing there
  kMeta,               // schema version, active rule version, sequence counters
  kLeads,              // lead id -> LeadRecord
  kReps,               // rep id -> RepRecord
  kAssignments,        // lead id, sequence -> HistoryRecord (a lead's history in order)
  kAssignmentsByRep,   // rep id, decide time, sequence -> lead id
  kAssignmentsByTime,  // decide time, sequence -> lead id
  kExplanations,       // sequence -> leadrouter.v1.Explanation (the bounded trace)
  kCounters,           // rep, rule, period kind, period start -> CounterValue
  kRuleVersions,       // version -> leadrouter.v1.RuleVersion (source, author, message, hash)
  kFollowUps,          // lead id, sequence -> leadrouter.v1.FollowUp
  kTasks,              // lead id, sequence -> leadrouter.v1.Task
  kTasksByRep,         // rep id, due time, sequence -> lead id
  kIdempotency,        // scope, key -> IdempotencyRecord
  kAudit,              // sequence -> AuditRecord (append-only)
  kEvents,             // sequence -> leadrouter.v1.Event (the event log; trimmed by age)
  kEventsByLead,       // lead id, sequence -> empty (a lead's events in order)
  kLeadIndex,          // index, value, receive time, lead id -> "" (storage/lead_index.h)
  kRepVersions,        // rep id, assignment sequence, revision -> RepRecord replaced (rep_store.h)
  kDue,                // due time, kind, lead name, id -> "" (storage/due_index.h)
  kAssignmentsBySequence,  // sequence -> lead id (every history entry in sequence order)
  kCounterCheckpoint,      // "" -> header; counter key -> CounterValue (storage/counter_recovery.h)
  kScoreModels,            // version -> leadrouter.v1.ScoreModel (storage/score_model_store.h)
  kScoreModelBytes,        // version -> ScoreModelBytes (the trained model itself)
  kSpanFacts,              // decide time, sequence -> SpanFact (storage/span_facts.h)
};

inline constexpr std::array<std::string_view, 25> kColumnFamilyNames = {"default",
                                                                        "meta",
                                                                        "leads",
                                                                        "reps",
                                                                        "assignments",
                                                                        "assignments_by_rep",
                                                                        "assignments_by_time",
                                                                        "explanations",
                                                                        "counters",
                                                                        "rule_versions",
                                                                        "followups",
                                                                        "tasks",
                                                                        "tasks_by_rep",
                                                                        "idempotency",
                                                                        "audit",
                                                                        "events",
                                                                        "events_by_lead",
                                                                        "lead_index",
                                                                        "rep_versions",
                                                                        "due",
                                                                        "assignments_by_sequence",
                                                                        "counter_checkpoint",
                                                                        "score_models",
                                                                        "score_model_bytes",
                                                                        "span_facts"};

inline constexpr size_t kColumnFamilyCount = kColumnFamilyNames.size();

// Column families whose records are written once under a new sequence and read rarely (Explain,
// history, the event stream, audits): the largest share of the bytes on disk. Their table files
// are compressed with zstd (smaller than Snappy on these repetitive records, docs/performance.md;
// its CPU cost is paid by RocksDB's flush and compaction threads, never by the writer); the others
// keep Snappy, which point reads on the decision's path decompress faster.
constexpr bool IsWriteOnceColumnFamily(ColumnFamily cf) {
  return cf == ColumnFamily::kExplanations || cf == ColumnFamily::kAssignments ||
         cf == ColumnFamily::kEvents || cf == ColumnFamily::kAudit ||
         cf == ColumnFamily::kRepVersions;
}

constexpr std::string_view ColumnFamilyName(ColumnFamily cf) {
  return kColumnFamilyNames[static_cast<size_t>(cf)];
}

// Keys of the kMeta column family. Their values are big-endian fixed-width integers.
namespace meta_key {
inline constexpr std::string_view kSchemaVersion = "schema_version";           // u32
inline constexpr std::string_view kActiveRuleVersion = "active_rule_version";  // u64, 0 = none
inline constexpr std::string_view kActiveScoreModel = "active_score_model";    // u64, 0 = none
// Last value handed out by each sequence (u64); sequences start at 1.
inline constexpr std::string_view kAssignmentSequence = "sequence/assignment";
inline constexpr std::string_view kAuditSequence = "sequence/audit";
inline constexpr std::string_view kFollowUpSequence = "sequence/followup";
inline constexpr std::string_view kTaskSequence = "sequence/task";
inline constexpr std::string_view kEventSequence = "sequence/event";
// Present (u64 1) once the lead index holds every lead: a database from before the index gets it
// built at open (storage/lead_index.h).
inline constexpr std::string_view kLeadIndexBuilt = "lead_index_built";
// The first assignment sequence whose roster rep_versions can rebuild (u64): 1 for a database
// created with it, the next sequence for one opened from before it (storage/rep_store.h).
inline constexpr std::string_view kRepVersionsFrom = "rep_versions_from";
// Present (u64 1) once span_facts holds every owner span: a database from before them gets them
// built from history at open (storage/span_facts.h).
inline constexpr std::string_view kSpanFactsBuilt = "span_facts_built";
}  // namespace meta_key

}  // namespace leadrouter::storage
