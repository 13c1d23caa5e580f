// mockResponse in the request flow: the gateway answers with the configured status, content type
// and body, and the backend is never called.
#include "gateway/filters/filters.h"

namespace archway::gateway::filters {

namespace {

class Mock final : public Filter {
 public:
  std::string_view name() const override { return "mock"; }
  Flow on_request(Call& call) const override {
    call.answer.kind = Answer::Kind::kMock;
    return Flow::kAnswer;
  }
};

}  // namespace

const Filter& mock() {
  static const Mock instance;
  return instance;
}

}  // namespace archway::gateway::filters
