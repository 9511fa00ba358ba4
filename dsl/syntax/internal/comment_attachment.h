// Gives each comment of a parsed file to the statement or clause it belongs to, so that the
// formatter can put it back.
//
// A comment on its own line belongs to the statement or clause below it (`leading`); a comment at
// the end of a line belongs to what ends on that line (`trailing`). A comment in the middle of an
// expression that spans lines moves above its clause. Comments after the last statement are the
// file's `trailing_comments`.
#pragma once

#include <string_view>
#include <vector>

#include "dsl/base/lexical.h"
#include "dsl/syntax/ast.h"

namespace leadrouter::dsl {

void AttachComments(std::string_view text, const std::vector<lexical::Comment>& comments,
                    ast::File& file);

}  // namespace leadrouter::dsl
