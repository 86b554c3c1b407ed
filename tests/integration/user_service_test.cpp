// The user-service executable against a real PostgreSQL and the Kafka dev broker: the
// /api/users contract of seed 002, its events, and its readiness.
#include "dev_broker.hpp"
#include "http_client.hpp"
#include "postgres.hpp"
#include "service.hpp"

#include <shop/events/envelope.hpp>
#include <shop/kafka/consumer.hpp>
#include <shop/kafka/producer.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <future>
#include <mutex>
#include <regex>
#include <thread>
#include <vector>

using namespace shop;
using namespace std::chrono_literals;
using nlohmann::json;
using Messages = std::vector<std::string>;

namespace {

constexpr std::string_view kPassword = "SecurePass123!";

test::TempPostgres& postgres()
{
    static test::TempPostgres server;
    return server;
}

class Broker : public test::DevBroker {
public:
    kafka::Config config(std::string const& group) const
    {
        kafka::Config c;
        c.brokers = address();
        c.client_id = "user-service-test";
        c.group_id = group;
        c.delivery_timeout = 2s;
        return c;
    }
};

// The service on a fresh database named after the test case.
class UserService {
public:
    UserService(Broker const& broker, std::string const& database)
        : process_{SHOP_USER_SERVICE,
                   {{"ENV_FILE", "/dev/null"},
                    {"DATABASE_URL", postgres().create_database(database)},
                    {"KAFKA_BROKER", broker.address()}}}
    {}

    test::Reply call(std::string_view method, std::string_view target, json const& body = nullptr,
                     std::string_view headers = {}) const
    {
        return test::request(process_.port(), method, target, body.is_null() ? "" : body.dump(),
                             headers);
    }
    json create(std::string const& email, std::string const& name = "John Doe") const
    {
        auto const reply =
            call("POST", "/api/users", {{"email", email}, {"name", name}, {"password", kPassword}});
        REQUIRE(reply.status == 201);
        return json::parse(reply.body);
    }
    std::uint16_t port() const { return process_.port(); }
    std::string output() { return process_.process().output(); }

private:
    test::RunningService process_;
};

json body_of(test::Reply const& reply)
{
    return json::parse(reply.body);
}

Messages messages_of(test::Reply const& reply)
{
    return body_of(reply).at("message").get<Messages>();
}

// Every record of some topics, read by a consumer of its own.
class Topics {
public:
    Topics(Broker const& broker, std::vector<std::string> const& topics)
        : producer_{broker.config("unused")}, consumer_{broker.config("user-service-test"),
                                                        producer_}
    {
        for (auto const& topic : topics)
            consumer_.on(topic, [this](kafka::Record const& r) {
                std::lock_guard lock{mutex_};
                records_.push_back(r);
            });
        consumer_.start();
    }
    std::vector<kafka::Record> wait_for(std::size_t count, std::chrono::milliseconds timeout = 20s)
    {
        auto const deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            {
                std::lock_guard lock{mutex_};
                if (records_.size() >= count || std::chrono::steady_clock::now() > deadline)
                    return records_;
            }
            std::this_thread::sleep_for(10ms);
        }
    }

private:
    kafka::Producer producer_;
    kafka::Consumer consumer_;
    std::mutex mutex_;
    std::vector<kafka::Record> records_;
};

bool is_rfc3339_millis(json const& value)
{
    static std::regex const pattern{R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"};
    return value.is_string() && std::regex_match(value.get<std::string>(), pattern);
}

} // namespace

TEST_CASE("a registered user comes back without any password field", "[user-service]")
{
    Broker broker;
    UserService service{broker, "users_create"};

    auto const reply = service.call(
        "POST", "/api/users",
        {{"email", "john.doe@example.com"}, {"name", "John Doe"}, {"password", kPassword}});
    REQUIRE(reply.status == 201);
    auto const user = body_of(reply);
    Messages keys;
    for (auto const& [key, value] : user.items())
        keys.push_back(key);
    CHECK(keys == Messages{"createdAt", "email", "id", "name", "role", "updatedAt"});
    CHECK(user["email"] == "john.doe@example.com");
    CHECK(user["name"] == "John Doe");
    CHECK(user["role"] == "user");
    CHECK(std::regex_match(
        user["id"].get<std::string>(),
        std::regex{"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"}));
    CHECK(is_rfc3339_millis(user["createdAt"]));
    CHECK(is_rfc3339_millis(user["updatedAt"]));
    CHECK(reply.body.find("assword") == std::string::npos);
    CHECK(reply.body.find("argon2") == std::string::npos);

    auto const fetched = service.call("GET", "/api/users/" + user["id"].get<std::string>());
    CHECK(fetched.status == 200);
    CHECK(body_of(fetched) == user);
    CHECK(service.call("GET", "/metrics").body.find("\nusers_created_total 1\n") !=
          std::string::npos);
}

TEST_CASE("the list is ordered and paged and counts every user", "[user-service]")
{
    Broker broker;
    UserService service{broker, "users_list"};
    std::vector<json> created;
    for (int i = 0; i < 3; ++i)
        created.push_back(service.create("user" + std::to_string(i) + "@example.com"));

    auto const all = service.call("GET", "/api/users");
    CHECK(all.status == 200);
    CHECK(all.header("x-total-count") == "3");
    CHECK(body_of(all) == json(created));

    auto const first = service.call("GET", "/api/users?limit=2");
    CHECK(first.header("x-total-count") == "3");
    CHECK(body_of(first) == json{created[0], created[1]});
    auto const second = service.call("GET", "/api/users?limit=2&offset=2");
    CHECK(second.header("x-total-count") == "3");
    CHECK(body_of(second) == json{created[2]});
    CHECK(body_of(service.call("GET", "/api/users?offset=5")) == json::array());

    auto const bad = service.call("GET", "/api/users?limit=500&offset=-1");
    CHECK(bad.status == 400);
    CHECK(messages_of(bad) ==
          Messages{"limit must not be greater than 100", "offset must not be less than 0"});
    CHECK(messages_of(service.call("GET", "/api/users?limit=abc")) ==
          Messages{"limit must be an integer number"});
}

TEST_CASE("a user is read updated and deleted by id", "[user-service]")
{
    Broker broker;
    UserService service{broker, "users_crud"};
    auto const user = service.create("jane@example.com", "Jane");
    auto const path = "/api/users/" + user["id"].get<std::string>();

    std::this_thread::sleep_for(5ms); // so updatedAt moves on
    auto const renamed = service.call("PUT", path, {{"name", "Jane Roe"}});
    REQUIRE(renamed.status == 200);
    CHECK(body_of(renamed)["name"] == "Jane Roe");
    CHECK(body_of(renamed)["email"] == "jane@example.com");
    CHECK(body_of(renamed)["createdAt"] == user["createdAt"]);
    CHECK(body_of(renamed)["updatedAt"] != user["updatedAt"]);
    CHECK(renamed.body.find("assword") == std::string::npos);
    CHECK(service.call("PUT", path, {{"password", "NewSecret456"}}).status == 200);
    CHECK(body_of(service.call("GET", path))["name"] == "Jane Roe");

    auto const empty = service.call("PUT", path, json::object());
    CHECK(empty.status == 400);
    CHECK(messages_of(empty) == Messages{"at least one of email, name, password must be given"});

    CHECK(service.call("DELETE", path).status == 204);
    auto const gone = service.call("GET", path);
    CHECK(gone.status == 404);
    CHECK(body_of(gone)["message"] ==
          "User with ID " + user["id"].get<std::string>() + " not found");
    CHECK(body_of(gone)["error"] == "Not Found");
    CHECK(service.call("PUT", path, {{"name", "Ghost"}}).status == 404);
    CHECK(service.call("DELETE", path).status == 404);

    for (auto const* method : {"GET", "PUT", "DELETE"}) {
        INFO(method);
        auto const malformed = service.call(method, "/api/users/not-a-uuid", {{"name", "X"}});
        CHECK(malformed.status == 400);
        CHECK(body_of(malformed)["message"] == "Validation failed (uuid is expected)");
    }
}

TEST_CASE("every validation rule gives its message", "[user-service]")
{
    Broker broker;
    UserService service{broker, "users_validation"};
    auto const post = [&](json const& body) {
        auto const reply = service.call("POST", "/api/users", body);
        CHECK(reply.status == 400);
        CHECK(body_of(reply)["error"] == "Bad Request");
        return messages_of(reply);
    };
    std::string const rule =
        "password must contain a lower case letter, an upper case letter and a digit";

    CHECK(post({{"email", "nope"}, {"name", "N"}, {"password", kPassword}}) ==
          Messages{"email must be an email"});
    CHECK(post({{"email", std::string(250, 'a') + "@example.com"},
                {"name", "N"},
                {"password", kPassword}}) ==
          Messages{"email must be shorter than or equal to 255 characters"});
    CHECK(post({{"email", "a@example.com"}, {"name", ""}, {"password", kPassword}}) ==
          Messages{"name should not be empty"});
    CHECK(post({{"email", "a@example.com"},
                {"name", std::string(101, 'n')},
                {"password", kPassword}}) ==
          Messages{"name must be shorter than or equal to 100 characters"});
    CHECK(post({{"email", "a@example.com"}, {"name", "N"}, {"password", "Sh0rt"}}) ==
          Messages{"password must be longer than or equal to 8 characters"});
    CHECK(post({{"email", "a@example.com"},
                {"name", "N"},
                {"password", "Aa1" + std::string(126, 'x')}}) ==
          Messages{"password must be shorter than or equal to 128 characters"});
    CHECK(post({{"email", "a@example.com"}, {"name", "N"}, {"password", "alllower123"}}) ==
          Messages{rule});
    CHECK(post({{"email", "a@example.com"}, {"name", "N"}, {"password", "ALLUPPER123"}}) ==
          Messages{rule});
    CHECK(post({{"email", "a@example.com"}, {"name", "N"}, {"password", "NoDigitsHere"}}) ==
          Messages{rule});
    CHECK(post({{"email", "a@example.com"},
                {"name", "N"},
                {"password", kPassword},
                {"role", "admin"}}) == Messages{"property role should not exist"});
    CHECK(post(json::object()) == Messages{"email should not be empty", "name should not be empty",
                                           "password should not be empty"});

    auto const not_json = test::request(service.port(), "POST", "/api/users", "{\"email\":");
    CHECK(not_json.status == 400);
    CHECK(body_of(service.call("GET", "/api/users")) == json::array());
}

TEST_CASE("a duplicate email is refused whatever its case", "[user-service]")
{
    Broker broker;
    UserService service{broker, "users_duplicate"};
    auto const first = service.create("john@example.com");
    auto const other = service.create("other@example.com");

    for (auto const* email : {"john@example.com", "JOHN@Example.COM"}) {
        INFO(email);
        auto const reply = service.call(
            "POST", "/api/users", {{"email", email}, {"name", "Again"}, {"password", kPassword}});
        CHECK(reply.status == 409);
        CHECK(body_of(reply)["message"] == "Email already exists");
        CHECK(body_of(reply)["error"] == "Conflict");
    }
    auto const taken = service.call("PUT", "/api/users/" + other["id"].get<std::string>(),
                                    {{"email", "John@example.com"}});
    CHECK(taken.status == 409);
    CHECK(body_of(taken)["message"] == "Email already exists");
    CHECK(service.call("GET", "/api/users").header("x-total-count") == "2");
}

TEST_CASE("ten concurrent registrations of one email create exactly one user", "[user-service]")
{
    Broker broker;
    UserService service{broker, "users_race"};
    std::vector<std::future<int>> replies;
    for (int i = 0; i < 10; ++i)
        replies.push_back(std::async(std::launch::async, [&service, i] {
            return service
                .call("POST", "/api/users",
                      {{"email", i % 2 ? "race@example.com" : "RACE@example.com"},
                       {"name", "Racer " + std::to_string(i)},
                       {"password", kPassword}})
                .status;
        }));
    int created = 0, conflicts = 0;
    for (auto& reply : replies) {
        auto const status = reply.get();
        created += status == 201;
        conflicts += status == 409;
    }
    CHECK(created == 1);
    CHECK(conflicts == 9);
    CHECK(service.call("GET", "/api/users").header("x-total-count") == "1");
}

TEST_CASE("each change is published with the request id and no password anywhere",
          "[user-service][kafka]")
{
    Broker broker;
    UserService service{broker, "users_events"};
    Topics topics{broker, {"user.created", "user.updated", "user.deleted"}};

    auto const reply =
        service.call("POST", "/api/users",
                     {{"email", "events@example.com"}, {"name", "Eve"}, {"password", kPassword}},
                     "X-Request-Id: it-create-123\r\n");
    REQUIRE(reply.status == 201);
    CHECK(reply.header("x-request-id") == "it-create-123");
    auto const user = body_of(reply);
    auto const id = user["id"].get<std::string>();
    auto const path = "/api/users/" + id;
    REQUIRE(service.call("PUT", path, {{"password", "AnotherPass789"}}, "X-Request-Id: it-put\r\n")
                .status == 200);
    REQUIRE(service.call("DELETE", path, nullptr, "X-Request-Id: it-delete\r\n").status == 204);

    auto const records = topics.wait_for(3);
    REQUIRE(records.size() == 3);
    auto const on = [&records](std::string_view topic) {
        auto const it = std::find_if(records.begin(), records.end(),
                                     [&](kafka::Record const& r) { return r.topic == topic; });
        REQUIRE(it != records.end());
        return *it;
    };
    auto const created = on("user.created");
    CHECK(created.key == id);
    CHECK(created.header("x-request-id") == "it-create-123");
    auto const envelope = events::Envelope::parse(created.value);
    CHECK(envelope.correlation_id == "it-create-123");
    CHECK(envelope.source == "user-service");
    CHECK(envelope.data == json{{"userId", id},
                                {"email", "events@example.com"},
                                {"name", "Eve"},
                                {"role", "user"},
                                {"createdAt", user["createdAt"]}});
    CHECK(events::Envelope::parse(on("user.updated").value).correlation_id == "it-put");
    auto const deleted = events::Envelope::parse(on("user.deleted").value);
    CHECK(deleted.correlation_id == "it-delete");
    CHECK(deleted.data["userId"] == id);

    auto const output = service.output();
    CHECK(output.find("it-create-123") != std::string::npos); // the log is really there
    for (auto const& secret :
         {std::string{kPassword}, std::string{"AnotherPass789"}, std::string{"$argon2"}}) {
        INFO(secret);
        for (auto const& record : records)
            CHECK(record.value.find(secret) == std::string::npos);
        CHECK(output.find(secret) == std::string::npos);
    }
}

TEST_CASE("readiness reports the broker going down and coming back", "[user-service][health]")
{
    Broker broker;
    UserService service{broker, "users_ready"};
    auto const ready = [&] { return service.call("GET", "/health/ready"); };

    auto const up = ready();
    CHECK(up.status == 200);
    CHECK(body_of(up)["info"] ==
          json{{"database", {{"status", "up"}}}, {"kafka", {{"status", "up"}}}});

    broker.down();
    CHECK(test::eventually([&] { return ready().status == 503; }, 10s));
    auto const down = ready();
    CHECK(body_of(down)["error"].contains("kafka"));
    CHECK_FALSE(body_of(down)["error"].contains("database"));

    broker.up();
    CHECK(test::eventually([&] { return ready().status == 200; }, 15s));
}
