#include "clients/loadgen/synthetic_leads.h"

#include <array>
#include <cmath>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace leadrouter::loadgen {
namespace {

// SplitMix64: a small, well-mixed generator whose state is just a counter.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& items) {
    return items[Next() % N];
  }

 private:
  uint64_t state_;
};

constexpr std::array<std::string_view, 8> kSources = {"web_form", "google_ads", "google_ads",
                                                      "referral", "event",      "partner",
                                                      "web_form", "olark_chat"};
// The first three match the "tech" rule of examples/rules/quick-start.rules.
constexpr std::array<std::string_view, 10> kIndustries = {
    "IT Projects Management", "E-COMMERCE", "E-Business", "Banking",    "Healthcare", "Retail",
    "Manufacturing",          "Education",  "Media",      "Real Estate"};
constexpr std::array<std::string_view, 3> kRegions = {"emea", "amer", "apac"};
constexpr std::array<v1::Channel, 6> kChannels = {v1::CHANNEL_PHONE,  v1::CHANNEL_EMAIL,
                                                  v1::CHANNEL_EMAIL,  v1::CHANNEL_SMS,
                                                  v1::CHANNEL_WECHAT, v1::CHANNEL_UNSPECIFIED};
constexpr std::array<std::string_view, 5> kCompanySizes = {"1-10", "11-50", "51-200", "201-1000",
                                                           "1000+"};

}  // namespace

void SyntheticLeads::Fill(uint64_t index, v1::Lead& lead) const {
  lead.Clear();
  Random random(index * 0x2545F4914F6CDD1Dull + 17);
  lead.set_name(absl::StrCat("leads/", prefix_, "-", index));
  lead.set_source(std::string(random.Pick(kSources)));
  // Quality: triangular around 50, so most leads are middling and about 8% are hot (>= 80).
  lead.set_quality(std::round(50 * (random.Uniform() + random.Uniform())));
  // Deal value: log-uniform 500 .. 200k, with 2% big deals of 1M .. 5M.
  if (random.Uniform() < 0.02) {
    lead.set_value(std::round(1'000'000 + 4'000'000 * random.Uniform()));
  } else {
    lead.set_value(std::round(500 * std::pow(400.0, random.Uniform())));
  }
  lead.set_region(std::string(random.Pick(kRegions)));
  lead.set_industry(std::string(random.Pick(kIndustries)));
  lead.set_preferred_channel(random.Pick(kChannels));
  lead.set_account(absl::StrCat("acct-", random.Next() % 500));
  (*lead.mutable_attributes())["company_size"].set_string_value(
      std::string(random.Pick(kCompanySizes)));
}

}  // namespace leadrouter::loadgen
