#include <shop/http/error.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <atomic>

namespace shop::http {

Error::Error(Status status, std::string message)
    : std::runtime_error{message}, status_{status}, messages_{std::move(message)}, is_list_{false}
{}

Error::Error(Status status, std::vector<std::string> messages)
    : std::runtime_error{messages.empty() ? std::string{reason(status)} : messages.front()},
      status_{status}, messages_{std::move(messages)}, is_list_{true}
{}

std::string_view reason(Status status)
{
    // Beast's table has the RFC 9110 phrases; 413 and 422 keep the names NestJS uses.
    switch (status) {
    case Status::payload_too_large:
        return "Payload Too Large";
    case Status::unprocessable_entity:
        return "Unprocessable Entity";
    default:
        return boost::beast::http::obsolete_reason(status);
    }
}

std::string error_body(Error const& error, std::string_view request_id)
{
    // ordered_json: NestJS's key order, which people read and some clients snapshot.
    nlohmann::ordered_json body{{"statusCode", static_cast<unsigned>(error.status())}};
    if (error.is_list())
        body["message"] = error.messages();
    else
        body["message"] = error.messages().front();
    body["error"] = reason(error.status());
    body["requestId"] = request_id;
    return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

namespace {
// A few slots, filled at start-up and read lock-free on every failed request.
std::array<std::atomic<ErrorMapper>, 8> mappers{};
} // namespace

void add_error_mapper(ErrorMapper mapper)
{
    for (auto& slot : mappers) {
        ErrorMapper expected = nullptr;
        if (slot.compare_exchange_strong(expected, mapper) || expected == mapper)
            return;
    }
    throw std::logic_error{"too many HTTP error mappers"};
}

Error to_http_error(std::exception_ptr const& failure)
{
    try {
        std::rethrow_exception(failure);
    } catch (Error const& e) {
        return e;
    } catch (nlohmann::json::exception const&) {
        return Error{Status::bad_request, "Malformed JSON in request body"};
    } catch (std::exception const& e) {
        for (auto const& slot : mappers) {
            auto const mapper = slot.load(std::memory_order_acquire);
            if (!mapper)
                break;
            if (auto mapped = mapper(e))
                return *std::move(mapped);
        }
        return Error{Status::internal_server_error, "Internal server error"};
    } catch (...) {
        return Error{Status::internal_server_error, "Internal server error"};
    }
}

} // namespace shop::http
