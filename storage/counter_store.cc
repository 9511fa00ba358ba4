#include "storage/counter_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "storage/records.h"

namespace leadrouter::storage {
namespace {

absl::StatusOr<CounterValue> ReadCounter(const ReadView& view, const std::string& encoded_key) {
  ASSIGN_OR_RETURN(
      std::optional<CounterValue> stored,
      ReadMessage<CounterValue>(view, ColumnFamily::kCounters, encoded_key, "counter"));
  return stored.value_or(CounterValue());
}

absl::StatusOr<CounterValue> ReadCounter(const ReadView& view, const CounterKey& key) {
  return ReadCounter(view, EncodeCounterKey(key));
}

CounterKey RepKey(std::string_view rep, CounterKind kind, int64_t period = 0) {
  return CounterKey{CounterScope::kRep, "", std::string(rep), kind, period};
}

CounterKey RuleRepKey(std::string_view rule, std::string_view rep, CounterKind kind,
                      int64_t period = 0) {
  return CounterKey{CounterScope::kRuleRep, std::string(rule), std::string(rep), kind, period};
}

// CapUnit as stored (storage_records.proto): day 0, week 1, month 2; nullopt is stored unset.
std::optional<dsl::CapUnit> BandsOverOf(bool has, int32_t stored) {
  if (!has) return std::nullopt;
  switch (stored) {
    case 1:
      return dsl::CapUnit::kWeek;
    case 2:
      return dsl::CapUnit::kMonth;
    default:
      return dsl::CapUnit::kDay;
  }
}

int32_t StoredOver(dsl::CapUnit unit) {
  return unit == dsl::CapUnit::kWeek ? 1 : unit == dsl::CapUnit::kMonth ? 2 : 0;
}

// The turn row's band counts as the decision reads them: zeros when their period is over.
void ReadBands(const CounterValue& turn, const dsl::PeriodIds& periods, dsl::RuleRepCounters& c) {
  c.bands_over = BandsOverOf(turn.has_bands_over(), turn.bands_over());
  if (!turn.has_bands_period() ||
      turn.bands_period() != dsl::BalancePeriodId(periods, c.bands_over)) {
    return;
  }
  for (int b = 0; b < turn.bands_size() && b < static_cast<int>(c.bands.size()); ++b) {
    c.bands[static_cast<size_t>(b)] = static_cast<int32_t>(turn.bands(b));
  }
}

// Adds the delta's band lead to the turn row (dsl/decision/decision_state.h, "band").
void AddBand(CounterValue& turn, const dsl::StateDelta& delta) {
  const int64_t period = dsl::BalancePeriodId(delta.periods, delta.band_over);
  const bool same_over = turn.has_bands_period() &&
                         BandsOverOf(turn.has_bands_over(), turn.bands_over()) == delta.band_over;
  if (!same_over || turn.bands_period() < period) {
    turn.clear_bands();
    if (delta.band_over) {
      turn.set_bands_over(StoredOver(*delta.band_over));
    } else {
      turn.clear_bands_over();
    }
    turn.set_bands_period(period);
  }
  if (turn.bands_period() != period) return;  // a credit for a period that is over
  const int index = delta.band;
  while (turn.bands_size() <= index) turn.add_bands(0);
  turn.set_bands(index, std::max<int64_t>(0, turn.bands(index) + delta.assigned + delta.band_lift));
}

// Adds to a count and a sum, neither going below zero (dsl/decision/decision_state.h).
absl::Status Add(CounterAccess& counters, const CounterKey& key, int64_t count, double sum) {
  if (count == 0 && sum == 0) return absl::OkStatus();
  const std::string encoded = EncodeCounterKey(key);
  ASSIGN_OR_RETURN(CounterValue value, counters.Read(encoded));
  value.set_count(std::max<int64_t>(0, value.count() + count));
  value.set_sum(std::max(0.0, value.sum() + sum));
  return counters.Write(encoded, value);
}

// The calendar and open counters every rep (and every rule-rep pair) has.
struct PeriodCounters {
  CounterValue day;
  CounterValue week;
  CounterValue month;
  CounterValue open;
};

// Hundreds of these reads per decision: the (scope, rule, rep) part of the key, `prefix`, is
// encoded once for all four.
absl::StatusOr<PeriodCounters> ReadPeriodCounters(const ReadView& view, const std::string& prefix,
                                                  const dsl::PeriodIds& periods) {
  const struct {
    CounterKind kind;
    int64_t period;
    CounterValue PeriodCounters::*field;
  } kReads[] = {{CounterKind::kDay, periods.day, &PeriodCounters::day},
                {CounterKind::kWeek, periods.week, &PeriodCounters::week},
                {CounterKind::kMonth, periods.month, &PeriodCounters::month},
                {CounterKind::kOpen, 0, &PeriodCounters::open}};
  PeriodCounters counters;
  for (const auto& read : kReads) {
    ASSIGN_OR_RETURN(CounterValue value,
                     ReadCounter(view, EncodeCounterKey(prefix, read.kind, read.period)));
    counters.*read.field = std::move(value);
  }
  return counters;
}

absl::StatusOr<dsl::RepCounters> ReadOneRep(const ReadView& view, std::string_view rep_id,
                                            const dsl::PeriodIds& periods) {
  ASSIGN_OR_RETURN(
      PeriodCounters c,
      ReadPeriodCounters(view, EncodeCounterKeyPrefix(CounterScope::kRep, "", rep_id), periods));
  return dsl::RepCounters{.assigned_day = c.day.count(),
                          .assigned_week = c.week.count(),
                          .assigned_month = c.month.count(),
                          .open = c.open.count(),
                          .quality_day = c.day.sum()};
}

absl::StatusOr<dsl::RuleRepCounters> ReadOneRuleRep(const ReadView& view, std::string_view rule_key,
                                                    std::string_view rep_id,
                                                    const dsl::PeriodIds& periods) {
  const std::string prefix = EncodeCounterKeyPrefix(CounterScope::kRuleRep, rule_key, rep_id);
  ASSIGN_OR_RETURN(PeriodCounters counts, ReadPeriodCounters(view, prefix, periods));
  ASSIGN_OR_RETURN(CounterValue turn,
                   ReadCounter(view, EncodeCounterKey(prefix, CounterKind::kTurn, 0)));
  dsl::RuleRepCounters c;
  c.assigned_day = counts.day.count();
  c.assigned_week = counts.week.count();
  c.assigned_month = counts.month.count();
  c.open = counts.open.count();
  c.balanced_day = counts.day.sum();
  c.balanced_week = counts.week.sum();
  c.balanced_month = counts.month.sum();
  c.balanced_total = turn.sum();
  ReadBands(turn, periods, c);
  if (turn.has_last_chosen_sequence()) {
    c.last_chosen_sequence = turn.last_chosen_sequence();
    c.last_chosen_time = turn.last_chosen_time();
  }
  if (turn.has_weighted_pass()) c.weighted_pass = turn.weighted_pass();
  return c;
}

}  // namespace

absl::Status StoredDecisionState::ReadRepCounters(std::span<const std::string_view> rep_ids,
                                                  const dsl::PeriodIds& periods,
                                                  std::span<dsl::RepCounters> out) const {
  if (out.size() != rep_ids.size()) return absl::InvalidArgumentError("output size mismatch");
  for (size_t i = 0; i < rep_ids.size(); ++i) {
    ASSIGN_OR_RETURN(out[i], ReadOneRep(view_, rep_ids[i], periods));
  }
  return absl::OkStatus();
}

absl::Status StoredDecisionState::ReadRuleRepCounters(std::string_view rule_key,
                                                      std::span<const std::string_view> rep_ids,
                                                      const dsl::PeriodIds& periods,
                                                      std::span<dsl::RuleRepCounters> out) const {
  if (out.size() != rep_ids.size()) return absl::InvalidArgumentError("output size mismatch");
  for (size_t i = 0; i < rep_ids.size(); ++i) {
    ASSIGN_OR_RETURN(out[i], ReadOneRuleRep(view_, rule_key, rep_ids[i], periods));
  }
  return absl::OkStatus();
}

// A row is read from the view once and kept until a write to one of its keys (CounterRows).
absl::Status StoredDecisionState::ReadRepCountersAt(const dsl::RepIdList& list,
                                                    std::span<const uint32_t> positions,
                                                    const dsl::PeriodIds& periods,
                                                    std::span<dsl::RepCounters> out) const {
  if (rows_ == nullptr) return DecisionState::ReadRepCountersAt(list, positions, periods, out);
  if (out.size() != positions.size()) return absl::InvalidArgumentError("output size mismatch");
  const std::span<const uint32_t> slots = rows_->Resolve(list);
  for (size_t k = 0; k < positions.size(); ++k) {
    const uint32_t slot = slots[positions[k]];
    CounterRows::RepRow& row = rows_->rep_row(slot);
    if (!row.valid || row.periods != periods) {
      ASSIGN_OR_RETURN(row.counters, ReadOneRep(view_, rows_->rep_id(slot), periods));
      row.periods = periods;
      row.valid = true;
    }
    out[k] = row.counters;
  }
  return absl::OkStatus();
}

absl::Status StoredDecisionState::ReadRuleRepCountersAt(std::string_view rule_key,
                                                        const dsl::RepIdList& list,
                                                        std::span<const uint32_t> positions,
                                                        const dsl::PeriodIds& periods,
                                                        std::span<dsl::RuleRepCounters> out) const {
  if (rows_ == nullptr) {
    return DecisionState::ReadRuleRepCountersAt(rule_key, list, positions, periods, out);
  }
  if (out.size() != positions.size()) return absl::InvalidArgumentError("output size mismatch");
  const std::span<const uint32_t> slots = rows_->Resolve(list);
  const std::span<CounterRows::RuleRepRow> rows = rows_->RuleRows(rule_key);
  for (size_t k = 0; k < positions.size(); ++k) {
    const uint32_t slot = slots[positions[k]];
    CounterRows::RuleRepRow& row = rows[slot];
    if (!row.valid || row.periods != periods) {
      ASSIGN_OR_RETURN(row.counters, ReadOneRuleRep(view_, rule_key, rows_->rep_id(slot), periods));
      row.periods = periods;
      row.valid = true;
    }
    out[k] = row.counters;
  }
  return absl::OkStatus();
}

absl::Status StoredDecisionState::ReadRuleCounters(std::string_view rule_key,
                                                   dsl::RuleCounters& out) const {
  ASSIGN_OR_RETURN(CounterValue state,
                   ReadCounter(view_, CounterKey{CounterScope::kRule, std::string(rule_key), "",
                                                 CounterKind::kRuleState, 0}));
  out = dsl::RuleCounters{};
  out.weighted_virtual_time = state.weighted_virtual_time();
  out.balanced_max_amount = state.balanced_max_amount();
  return absl::OkStatus();
}

absl::StatusOr<CounterValue> MapCounterAccess::Read(const std::string& key) {
  const auto it = values_.find(key);
  return it == values_.end() ? CounterValue() : it->second;
}

absl::Status MapCounterAccess::Write(const std::string& key, const CounterValue& value) {
  values_[key] = value;
  if (touched_ != nullptr) touched_->insert(key);
  return absl::OkStatus();
}

absl::StatusOr<CounterValue> TxnCounterAccess::Read(const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<CounterValue> stored,
                   ReadMessage<CounterValue>(txn_, ColumnFamily::kCounters, key, "counter"));
  return stored.value_or(CounterValue());
}

absl::Status TxnCounterAccess::Write(const std::string& key, const CounterValue& value) {
  return WriteMessage(txn_, ColumnFamily::kCounters, key, value);
}

absl::Status ApplyStateDelta(CounterAccess& counters, const dsl::StateDelta& delta) {
  if (delta.rep_id.empty()) return absl::InvalidArgumentError("state delta without a rep");
  if (delta.band >= static_cast<int32_t>(dsl::kMaxBalanceTiers)) {
    return absl::DataLossError(absl::StrCat("state delta for rep ", delta.rep_id, " names band ",
                                            delta.band, "; at most ", dsl::kMaxBalanceTiers,
                                            " bands exist"));
  }
  const std::string& rep = delta.rep_id;
  const std::string& rule = delta.rule_key;
  const dsl::PeriodIds& p = delta.periods;
  const struct {
    CounterKind kind;
    int64_t period;
  } calendar[] = {
      {CounterKind::kDay, p.day}, {CounterKind::kWeek, p.week}, {CounterKind::kMonth, p.month}};
  const double level = delta.balanced + delta.balanced_lift;
  for (const auto& [kind, period] : calendar) {
    const double quality = kind == CounterKind::kDay ? delta.quality : 0;
    RETURN_IF_ERROR(Add(counters, RepKey(rep, kind, period), delta.assigned, quality));
    RETURN_IF_ERROR(Add(counters, RuleRepKey(rule, rep, kind, period), delta.assigned, level));
  }
  RETURN_IF_ERROR(Add(counters, RepKey(rep, CounterKind::kOpen), delta.open, 0));
  RETURN_IF_ERROR(Add(counters, RuleRepKey(rule, rep, CounterKind::kOpen), delta.open, 0));
  // The turn row: round-robin and weighted state, and the balance over the rule's whole life.
  if (delta.last_chosen_sequence || delta.weighted_pass || level != 0 || delta.band >= 0) {
    const std::string key = EncodeCounterKey(RuleRepKey(rule, rep, CounterKind::kTurn));
    ASSIGN_OR_RETURN(CounterValue turn, counters.Read(key));
    if (delta.last_chosen_sequence) {
      turn.set_last_chosen_sequence(*delta.last_chosen_sequence);
      turn.set_last_chosen_time(delta.last_chosen_time);
    }
    if (delta.weighted_pass) turn.set_weighted_pass(*delta.weighted_pass);
    turn.set_sum(std::max(0.0, turn.sum() + level));
    if (delta.band >= 0) AddBand(turn, delta);
    RETURN_IF_ERROR(counters.Write(key, turn));
  }
  if (delta.weighted_virtual_time || delta.balanced_max_amount) {
    const std::string key =
        EncodeCounterKey(CounterKey{CounterScope::kRule, rule, "", CounterKind::kRuleState, 0});
    ASSIGN_OR_RETURN(CounterValue state, counters.Read(key));
    if (delta.weighted_virtual_time) state.set_weighted_virtual_time(*delta.weighted_virtual_time);
    if (delta.balanced_max_amount) state.set_balanced_max_amount(*delta.balanced_max_amount);
    RETURN_IF_ERROR(counters.Write(key, state));
  }
  return absl::OkStatus();
}

StoredDelta ToStoredDelta(const dsl::StateDelta& delta) {
  StoredDelta out;
  out.set_rep_id(delta.rep_id);
  out.set_rule_key(delta.rule_key);
  out.set_day(delta.periods.day);
  out.set_week(delta.periods.week);
  out.set_month(delta.periods.month);
  out.set_assigned(delta.assigned);
  out.set_open(delta.open);
  out.set_quality(delta.quality);
  out.set_balanced(delta.balanced);
  if (delta.last_chosen_sequence) out.set_last_chosen_sequence(*delta.last_chosen_sequence);
  out.set_last_chosen_time(delta.last_chosen_time);
  if (delta.weighted_pass) out.set_weighted_pass(*delta.weighted_pass);
  if (delta.weighted_virtual_time) out.set_weighted_virtual_time(*delta.weighted_virtual_time);
  out.set_balanced_lift(delta.balanced_lift);
  out.set_band_lift(delta.band_lift);
  if (delta.band >= 0) out.set_band(delta.band);
  if (delta.band_over) out.set_band_over(StoredOver(*delta.band_over));
  if (delta.balanced_max_amount) out.set_balanced_max_amount(*delta.balanced_max_amount);
  return out;
}

dsl::StateDelta FromStoredDelta(const StoredDelta& stored) {
  dsl::StateDelta out;
  out.rep_id = stored.rep_id();
  out.rule_key = stored.rule_key();
  out.periods = dsl::PeriodIds{stored.day(), stored.week(), stored.month()};
  out.assigned = stored.assigned();
  out.open = stored.open();
  out.quality = stored.quality();
  out.balanced = stored.balanced();
  if (stored.has_last_chosen_sequence()) out.last_chosen_sequence = stored.last_chosen_sequence();
  out.last_chosen_time = stored.last_chosen_time();
  if (stored.has_weighted_pass()) out.weighted_pass = stored.weighted_pass();
  if (stored.has_weighted_virtual_time())
    out.weighted_virtual_time = stored.weighted_virtual_time();
  out.balanced_lift = stored.balanced_lift();
  out.band_lift = stored.band_lift();
  if (stored.has_band()) out.band = stored.band();
  out.band_over = BandsOverOf(stored.has_band_over(), stored.band_over());
  if (stored.has_balanced_max_amount()) out.balanced_max_amount = stored.balanced_max_amount();
  return out;
}

}  // namespace leadrouter::storage
