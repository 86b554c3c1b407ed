#include "gateway/pipeline.hpp"

#include <shop/log/log.hpp>
#include <shop/text/case.hpp>

#include <algorithm>

namespace shop::gateway {

Pipeline& Pipeline::add(std::unique_ptr<Stage> stage)
{
    stages_.push_back(std::move(stage));
    return *this;
}

std::vector<std::string_view> Pipeline::names() const
{
    std::vector<std::string_view> names;
    for (auto const& stage : stages_)
        names.push_back(stage->name());
    return names;
}

namespace {

// What the client gets for an exception from a stage or the handler; a 5xx is logged with
// its cause, which stays out of the response.
http::Response failure_response(std::exception_ptr failure, http::Request const& request)
{
    auto const error = http::to_http_error(failure);
    if (static_cast<unsigned>(error.status()) >= 500) {
        std::string cause = "unknown exception";
        try {
            std::rethrow_exception(failure);
        } catch (std::exception const& e) {
            cause = e.what();
        } catch (...) {
        }
        log::Line(log::Level::error, request.log_context())
            .field("route", request.route())
            .field("err", cause)
            .emit("request failed");
    }
    return http::Response::error(error, request.request_id());
}

// Room for what the stages add to a response (Cache-Control, CORS and rate limit headers).
constexpr std::size_t kStageResponseHeaders = 10;

} // namespace

// Its frame stays small enough for Asio to recycle (see headers.hpp): the failure path
// lives in a function of its own.
awaitable<http::Response> Pipeline::run(http::Request& request,
                                        ExchangeHandler const& handler) const
{
    Exchange exchange{request, {}, {}};
    exchange.response_headers.reserve(kStageResponseHeaders);
    std::optional<http::Response> response;
    std::exception_ptr failure;
    try {
        for (auto const& stage : stages_) {
            response = stage->on_request(exchange);
            if (response)
                break;
        }
        if (!response)
            response = co_await handler(exchange);
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure)
        response = failure_response(failure, request);
    apply_headers(*response, std::move(exchange.response_headers));
    co_return std::move(*response);
}

http::Handler Pipeline::wrap(ExchangeHandler handler) const
{
    return [this, handler = std::move(handler)](http::Request& request) {
        return run(request, handler);
    };
}

void apply_headers(http::Response& response, Headers&& headers)
{
    using text::iequals;
    if (response.headers.empty()) { // most upstream answers: nothing to replace or merge
        response.headers = std::move(headers);
        return;
    }
    response.headers.reserve(response.headers.size() + headers.size());
    for (auto& [name, value] : headers) {
        auto const same = [&name](auto const& header) { return iequals(header.first, name); };
        if (iequals(name, "Vary")) {
            auto const existing = std::ranges::find_if(response.headers, same);
            if (existing != response.headers.end()) {
                if (existing->second.find(value) == std::string::npos)
                    existing->second += ", " + value;
                continue;
            }
        } else {
            std::erase_if(response.headers, same);
        }
        response.headers.emplace_back(std::move(name), std::move(value));
    }
}

} // namespace shop::gateway
