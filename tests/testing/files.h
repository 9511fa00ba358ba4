// Reading the files a test compares against (rule files, goldens, examples, certificates).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace leadrouter::testing {

// The whole file, byte for byte. A file that cannot be read fails the test rather than reading as
// "": an empty expectation would let a missing golden compare equal to an empty result.
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A path inside the source tree's examples/ folder, e.g. ExamplePath("reps.csv").
inline std::string ExamplePath(const std::string& relative) {
  return std::string(LEADROUTER_SOURCE_DIR) + "/examples/" + relative;
}

}  // namespace leadrouter::testing
