// Golden diagnostics: every tests/dsl/golden/*.rules file is compiled and its rendered diagnostics
// compared with the .expected file beside it (empty when the file is clean). The syntax_* cases
// belong to the parser, the check_* cases to the checker and compiler.
//
// LEADROUTER_UPDATE_GOLDEN=1 rewrites the .expected files that differ, and fails for each of them
// (the next run compares): review every rewritten file by eye before committing it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/base/diagnostics.h"
#include "dsl/base/source.h"
#include "dsl/compile/compiler.h"
#include "files.h"

namespace leadrouter::dsl {
namespace {

using ::leadrouter::testing::ReadFile;

namespace fs = std::filesystem;

const fs::path kGoldenDir = fs::path(LEADROUTER_SOURCE_DIR) / "tests/dsl/golden";

std::vector<fs::path> GoldenCases() {
  std::vector<fs::path> cases;
  for (const fs::directory_entry& entry : fs::directory_iterator(kGoldenDir)) {
    if (entry.path().extension() == ".rules") cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

bool UpdateMode() {
  const char* update = std::getenv("LEADROUTER_UPDATE_GOLDEN");
  return update != nullptr && std::string(update) == "1";
}

class GoldenTest : public ::testing::TestWithParam<fs::path> {};

TEST_P(GoldenTest, DiagnosticsMatchExpected) {
  const fs::path& rules = GetParam();
  const SourceFile source(rules.filename().string(), ReadFile(rules));
  const CompileResult result = Compile(source);
  const std::string actual = RenderText(source, result.diagnostics);
  // A program exists exactly when no diagnostic is an error.
  EXPECT_EQ(result.program != nullptr, !HasErrors(result.diagnostics));

  fs::path expected_path = rules;
  expected_path.replace_extension(".expected");
  if (UpdateMode()) {
    // A rewrite never passes for a comparison: a golden that changed fails this run (so an update
    // mode left on, in CI or anywhere, cannot hide a difference) and compares equal in the next.
    const bool changed = !fs::exists(expected_path) || ReadFile(expected_path) != actual;
    std::ofstream(expected_path, std::ios::binary) << actual;
    if (changed) ADD_FAILURE() << "rewrote " << expected_path << "; review the diff, run again";
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << expected_path << " is missing; run with LEADROUTER_UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(actual, ReadFile(expected_path)) << "for " << rules;
}

std::string CaseName(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenTest, ::testing::ValuesIn(GoldenCases()), CaseName);

TEST(GoldenSuiteTest, HasEnoughCases) {
  size_t check = 0;
  for (const fs::path& path : GoldenCases()) {
    if (path.filename().string().starts_with("check_")) ++check;
  }
  EXPECT_GE(check, 20u);
}

}  // namespace
}  // namespace leadrouter::dsl
