#include <shop/http/response.hpp>

#include <nlohmann/json.hpp>

namespace shop::http {

Response Response::json(Status status, nlohmann::json const& value)
{
    return json(status, value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response Response::json(Status status, std::string serialized)
{
    return Response{status, std::move(serialized), content_type::kJson, {}};
}

Response Response::text(Status status, std::string body, std::string_view type)
{
    return Response{status, std::move(body), type, {}};
}

Response Response::error(Error const& error, std::string_view request_id)
{
    return json(error.status(), error_body(error, request_id));
}

Response& Response::header(std::string name, std::string value)
{
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

} // namespace shop::http
