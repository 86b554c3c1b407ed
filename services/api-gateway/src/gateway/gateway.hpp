#pragma once
// The gateway as a whole: its upstreams, the pipeline every request goes through, and the
// route table that ties paths to upstreams.
#include "gateway/config.hpp"
#include "gateway/forwarder.hpp"
#include "gateway/pipeline.hpp"
#include "gateway/upstream.hpp"

#include <shop/http/router.hpp>

#include <memory>
#include <vector>

namespace shop::gateway {

class Gateway {
public:
    // Construct after the App and destroy before it: idle upstream connections belong to
    // the App's io_context.
    explicit Gateway(Config const& config);

    // /api/users[/...], /api/orders[/...], /api/payments[/...] forwarded; and
    // GET /health/circuit/:name. The gateway must outlive the routes.
    void add_routes(http::Router& routes);

    Upstream* find(std::string_view name);
    Pipeline const& pipeline() const { return pipeline_; }

private:
    awaitable<http::Response> circuit(Exchange& exchange);

    Config const config_;
    std::vector<std::unique_ptr<Upstream>> upstreams_;
    Pipeline pipeline_;
    Forwarder forwarder_;
};

} // namespace shop::gateway
