// Lists that the API returns in pages (AIP-158): the loop every `leadctl ... list` command needs.
#pragma once

#include <grpcpp/support/status.h>

#include <algorithm>
#include <string>
#include <utility>

namespace leadrouter::client {

// Fetches pages into `all` until it holds `limit` items (0: every item) or the server has no more.
//
// - `fetch(page_size, page_token, page)` makes one call and returns its status; it may also copy
//   page-level fields (a total, the active version) into `all`.
// - `items(response)` is the response's repeated field of items, as a pointer.
//
// Page sizes are at most `max_page_size`. When `limit` cuts the list short, `all`'s
// next_page_token is the token after the last page read, so the caller can say that more exist.
// The first failed call is returned as it is; `all` then holds the pages before it.
template <typename Response, typename Fetch, typename Items>
grpc::Status CollectPages(int limit, int max_page_size, Fetch fetch, Items items, Response& all) {
  std::string token;
  while (true) {
    const int held = items(all)->size();
    const int page_size = limit == 0 ? max_page_size : std::min(limit - held, max_page_size);
    Response page;
    if (grpc::Status status = fetch(page_size, token, page); !status.ok()) return status;
    for (auto& item : *items(page)) {
      if (limit != 0 && items(all)->size() >= limit) break;
      *items(all)->Add() = std::move(item);
    }
    const bool full = limit != 0 && items(all)->size() >= limit;
    if (page.next_page_token().empty() || full) {
      if (full) all.set_next_page_token(page.next_page_token());
      return grpc::Status::OK;
    }
    token = page.next_page_token();
  }
}

}  // namespace leadrouter::client
