#include "user/service.hpp"

#include "user/password.hpp"
#include "user/store.hpp"
#include "user/validation.hpp"

#include <shop/events/events.hpp>
#include <shop/http/error.hpp>
#include <shop/log/log.hpp>
#include <shop/outbox/outbox.hpp>
#include <shop/validation/paging.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/except>

namespace shop::user {
namespace {

// Runs a statement that may hit the unique index on lower(email): its own 409 message.
template <class F>
auto with_unique_email(F&& statement)
{
    try {
        return statement();
    } catch (pqxx::unique_violation const&) {
        throw http::Error{http::Status::conflict, "Email already exists"};
    }
}

http::Error not_found(std::string const& id)
{
    return http::Error{http::Status::not_found, "User with ID " + id + " not found"};
}

http::Response json_response(http::Status status, nlohmann::ordered_json const& body)
{
    return http::Response::json(status, body.dump());
}

template <class Event>
void append_event(pqxx::work& tx, Event const& event, http::Request const& req)
{
    outbox::append(tx, events::envelope_for(event, kServiceName, req.request_id()), event.key());
}

// Hashes a password on the blocking pool when there is one to hash.
awaitable<std::optional<std::string>> hash_if_given(BlockingPool& blocking,
                                                    std::optional<std::string> const& password)
{
    if (!password)
        co_return std::nullopt;
    co_return co_await blocking.run([&password] { return hash_password(*password); });
}

} // namespace

Service::Service(db::Pool& pool, BlockingPool& blocking, outbox::Relay& relay,
                 metrics::Registry& metrics)
    : pool_{pool}, blocking_{blocking}, relay_{relay},
      users_created_{metrics.counter("users_created_total", "Users registered.").with({})}
{}

awaitable<http::Response> Service::create(http::Request& req)
{
    auto const input = parse_new_user(req.json());
    auto const hash = co_await blocking_.run([&input] { return hash_password(input.password); });
    auto const user = co_await pool_.run([&](pqxx::work& tx) {
        auto created =
            with_unique_email([&] { return store::insert(tx, input.email, input.name, hash); });
        append_event(tx,
                     events::UserCreated{created.id, created.email, created.name, created.role,
                                         created.created_at},
                     req);
        tx.commit();
        return created;
    });
    relay_.wake();
    users_created_.inc();
    log::Line{log::Level::info, req.log_context()}.field("userId", user.id).emit("user created");
    co_return json_response(http::Status::created, to_json(user));
}

awaitable<http::Response> Service::list(http::Request& req)
{
    auto const page = validation::parse_page(req, 20);
    struct Listing {
        std::vector<User> users;
        std::int64_t total = 0;
    };
    auto const listing = co_await pool_.run([&page](pqxx::work& tx) {
        return Listing{store::list(tx, page), store::count(tx)};
    });
    auto body = nlohmann::ordered_json::array();
    for (auto const& user : listing.users)
        body.push_back(to_json(user));
    auto response = json_response(http::Status::ok, body);
    response.header("X-Total-Count", std::to_string(listing.total));
    co_return response;
}

awaitable<http::Response> Service::get(http::Request& req)
{
    auto const id = parse_user_id(req.param("id"));
    auto const user =
        co_await pool_.read([&id](pqxx::nontransaction& tx) { return store::find(tx, id); });
    if (!user)
        throw not_found(id);
    co_return json_response(http::Status::ok, to_json(*user));
}

awaitable<http::Response> Service::update(http::Request& req)
{
    auto const id = parse_user_id(req.param("id"));
    auto const changes = parse_user_changes(req.json());
    auto const hash = co_await hash_if_given(blocking_, changes.password);
    auto const user = co_await pool_.run([&](pqxx::work& tx) {
        auto updated = with_unique_email([&] {
            return store::update(tx, id, {changes.email, changes.name, hash});
        });
        if (updated) {
            append_event(tx,
                         events::UserUpdated{updated->id, updated->email, updated->name,
                                             updated->role, updated->updated_at},
                         req);
            tx.commit();
        }
        return updated;
    });
    if (!user)
        throw not_found(id);
    relay_.wake();
    log::Line{log::Level::info, req.log_context()}.field("userId", user->id).emit("user updated");
    co_return json_response(http::Status::ok, to_json(*user));
}

awaitable<http::Response> Service::remove(http::Request& req)
{
    auto const id = parse_user_id(req.param("id"));
    auto const deleted = co_await pool_.run([&](pqxx::work& tx) {
        auto removed = store::remove(tx, id);
        if (removed) {
            append_event(tx, events::UserDeleted{*removed, events::Clock::now()}, req);
            tx.commit();
        }
        return removed;
    });
    if (!deleted)
        throw not_found(id);
    relay_.wake();
    log::Line{log::Level::info, req.log_context()}.field("userId", *deleted).emit("user deleted");
    http::Response response;
    response.status = http::Status::no_content;
    co_return response;
}

} // namespace shop::user
