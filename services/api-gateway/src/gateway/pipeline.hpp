#pragma once
// The gateway's request pipeline: an ordered list of stages in front of the route's own
// handler. Each stage may answer at once (a preflight, a 429) and may add headers to the
// response and to the upstream request; the headers it adds appear on every response of
// the request, whoever produced it. Authentication slots in as one more stage.
#include "gateway/headers.hpp"

#include <shop/http/request.hpp>
#include <shop/http/response.hpp>
#include <shop/http/router.hpp>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace shop::gateway {

// One request on its way through the pipeline.
struct Exchange {
    http::Request& request;
    Headers response_headers; // set on the response (replacing the handler's own); a name once
    Headers upstream_headers; // set on the upstream request (replacing the client's)
};

// Stages run inline on the request's thread and do no I/O of their own (a check that needs
// some, like fetching signing keys, keeps its data fresh in the background): the pipeline
// costs no coroutine frame per stage.
class Stage {
public:
    virtual ~Stage() = default;
    virtual std::string_view name() const = 0;
    // A response ends the request here: later stages and the handler do not run.
    virtual std::optional<http::Response> on_request(Exchange& exchange) = 0;
};

using ExchangeHandler = std::function<awaitable<http::Response>(Exchange&)>;

class Pipeline {
public:
    Pipeline& add(std::unique_ptr<Stage> stage);
    std::vector<std::string_view> names() const;

    // The stages, then `handler`. An exception becomes its JSON error, with the stages'
    // headers like any other response.
    awaitable<http::Response> run(http::Request& request, ExchangeHandler const& handler) const;

    // A route handler running this pipeline; the pipeline must outlive the router.
    http::Handler wrap(ExchangeHandler handler) const;

private:
    std::vector<std::unique_ptr<Stage>> stages_;
};

// Sets `headers` on `response` (moved from them): a header of the same name is replaced,
// Vary is merged.
void apply_headers(http::Response& response, Headers&& headers);

} // namespace shop::gateway
