// The output forms of the commands that print reports (dry-run, report).
#pragma once

namespace leadrouter::leadctl {

enum class ReportFormat { kTable, kJson, kCsv };

}  // namespace leadrouter::leadctl
