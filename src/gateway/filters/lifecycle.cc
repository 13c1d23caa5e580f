// A BLOCKED API (lifecycle) answers every matched request with 503, code 700700, before credentials
// are looked at; the state comes with the snapshot.
#include "gateway/filters/filters.h"

namespace archway::gateway::filters {

namespace {

class BlockedApi final : public Filter {
 public:
  std::string_view name() const override { return "blocked_api"; }
  Flow on_request(Call& call) const override {
    return answer(call, {503, 700700, "API blocked",
                         "This API has been blocked temporarily. Please try again later or contact the system "
                         "administrators."});
  }
};

}  // namespace

const Filter& blocked_api() {
  static const BlockedApi instance;
  return instance;
}

}  // namespace archway::gateway::filters
