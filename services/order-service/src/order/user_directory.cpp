#include "order/user_directory.hpp"

#include <shop/app/app_config.hpp>
#include <shop/net/asio.hpp>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

namespace shop::order {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;

awaitable<UserLookup> fetch(UserDirectoryConfig const& config, std::string const& user_id,
                            std::string const& request_id)
{
    auto const executor = co_await net::this_coro::executor;
    tcp::resolver resolver{executor};
    beast::tcp_stream stream{executor};
    stream.expires_after(config.timeout);
    auto const endpoints = co_await resolver.async_resolve(config.host, config.port, use_awaitable);
    co_await stream.async_connect(endpoints, use_awaitable);

    bhttp::request<bhttp::empty_body> request{bhttp::verb::get,
                                              config.base_path + "/api/users/" + user_id, 11};
    request.set(bhttp::field::host, config.host);
    request.set(bhttp::field::accept, "application/json");
    request.set("x-request-id", request_id);
    if (!config.api_key.empty())
        request.set("x-api-key", config.api_key);
    co_await bhttp::async_write(stream, request, use_awaitable);

    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> response;
    co_await bhttp::async_read(stream, buffer, response, use_awaitable);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

    if (response.result() == bhttp::status::not_found)
        co_return UserNotFound{};
    if (response.result() != bhttp::status::ok)
        co_return UserServiceDown{"user-service answered " + std::to_string(response.result_int())};
    auto const body = nlohmann::json::parse(response.body(), nullptr, false);
    if (!body.is_object() || !body.contains("email") || !body["email"].is_string())
        co_return UserServiceDown{"user-service sent an unexpected body"};
    auto const name = body.value("name", std::string{});
    co_return UserFound{{user_id, body["email"].get<std::string>(), name}};
}

} // namespace

UserDirectoryConfig UserDirectoryConfig::from_env(config::Env const& env)
{
    auto const text = env.url("USER_SERVICE_URL", "http://localhost:3001");
    auto const url = boost::urls::parse_uri(text);
    if (!url || url->scheme() != "http")
        throw config::Error{"USER_SERVICE_URL=\"" + text + "\": expected an http:// URL"};
    UserDirectoryConfig c;
    c.host = url->host();
    c.port = url->has_port() ? std::string{url->port()} : "80";
    c.base_path = url->path();
    while (!c.base_path.empty() && c.base_path.back() == '/')
        c.base_path.pop_back();
    c.timeout = env.millis("USER_SERVICE_TIMEOUT_MS", std::chrono::milliseconds{2'000});
    c.api_key = env.string("API_KEY", std::string{kDefaultApiKey});
    return c;
}

UserLookup UserDirectory::find(std::string const& user_id, std::string const& request_id) const
{
    // A private io_context per call: the caller is a blocking-pool thread, and the stream's
    // deadline (plus a margin for name resolution) bounds the whole exchange.
    net::io_context io;
    std::optional<UserLookup> result;
    net::co_spawn(io, fetch(config_, user_id, request_id),
                  [&](std::exception_ptr failure, UserLookup lookup) {
                      if (!failure) {
                          result = std::move(lookup);
                          return;
                      }
                      try {
                          std::rethrow_exception(failure);
                      } catch (std::exception const& e) {
                          result = UserServiceDown{e.what()};
                      }
                  });
    io.run_for(config_.timeout + std::chrono::milliseconds{500});
    if (!result)
        return UserServiceDown{"user-service did not answer in time"};
    return std::move(*result);
}

} // namespace shop::order
