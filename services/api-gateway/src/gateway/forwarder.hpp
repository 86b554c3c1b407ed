#pragma once
// Forwards a request to its upstream and brings the answer back: method, path, query,
// body and status kept, end-to-end headers passed both ways, hop-by-hop ones dropped.
// Failures become 502 (unreachable, reset, bad answer), 503 (circuit open, pool full) or
// 504 (no answer in time), as JSON errors that name no upstream detail.
#include "gateway/pipeline.hpp"
#include "gateway/upstream.hpp"

namespace shop::gateway {

struct ForwardOptions {
    std::string api_key;
    std::chrono::milliseconds timeout{5'000};
    std::chrono::milliseconds slow_call{2'000};
    std::size_t response_limit = 16 * 1024 * 1024;
};

class Forwarder {
public:
    explicit Forwarder(ForwardOptions options) : options_{std::move(options)} {}

    awaitable<http::Response> forward(Upstream& upstream, Exchange& exchange) const;

private:
    ForwardOptions options_;
};

// Idempotent methods (RFC 9110 §9.2.2) may be sent again after a failure that is known
// to have happened before the upstream acted.
bool is_idempotent(http::Verb method);

} // namespace shop::gateway
