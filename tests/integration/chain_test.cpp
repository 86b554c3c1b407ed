// The three services as the local stack runs them, on one PostgreSQL server and a dev
// broker: user → welcome order → payment → order paid through their HTTP APIs, with the
// broker down, events delivered twice, poison, and two order-service instances sharing work.
#include "dev_broker.hpp"
#include "http_client.hpp"
#include "postgres.hpp"
#include "service.hpp"
#include "topic_reader.hpp"

#include <shop/events/events.hpp>
#include <shop/http/request_id.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <future>
#include <memory>
#include <set>

using namespace shop;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr auto kChainTimeout = 60s; // consumer groups join in a few seconds, the rest is fast

test::TempPostgres& postgres()
{
    static test::TempPostgres server;
    return server;
}

struct ChainOptions {
    std::size_t order_instances = 1;
    test::EnvVars env = {}; // for every service (and the gateway), e.g. API_KEY
    bool gateway = false;   // an api-gateway in front, following the topics
    test::EnvVars gateway_env = {};
};

class Chain {
public:
    explicit Chain(std::string const& name, ChainOptions const& options = {})
    {
        auto const& extra = options.env;
        users_ = std::make_unique<test::RunningService>(
            SHOP_USER_SERVICE, env(postgres().create_database(name + "_users"), extra));
        auto order_env = env(postgres().create_database(name + "_orders"), extra);
        order_env.emplace_back("USER_SERVICE_URL", url(users()));
        for (std::size_t i = 0; i < options.order_instances; ++i)
            orders_.push_back(
                std::make_unique<test::RunningService>(SHOP_ORDER_SERVICE, order_env));
        payments_ = std::make_unique<test::RunningService>(
            SHOP_PAYMENT_SERVICE, env(postgres().create_database(name + "_payments"), extra));
        if (!options.gateway)
            return;
        auto gateway_env = env("", extra);
        gateway_env.insert(gateway_env.end(), {{"USER_SERVICE_URL", url(users())},
                                               {"ORDER_SERVICE_URL", url(orders())},
                                               {"PAYMENT_SERVICE_URL", url(payments())},
                                               {"KAFKA_CONSUMER_GROUP", name + "-gateway"},
                                               {"RATE_LIMIT_MAX", "100000"}});
        gateway_env.insert(gateway_env.end(), options.gateway_env.begin(),
                           options.gateway_env.end());
        gateway_ = std::make_unique<test::RunningService>(SHOP_API_GATEWAY, gateway_env);
    }

    std::uint16_t gateway() const { return gateway_->port(); }
    std::uint16_t users() const { return users_->port(); }
    std::uint16_t orders(std::size_t instance = 0) const { return orders_.at(instance)->port(); }
    std::uint16_t payments() const { return payments_->port(); }
    test::DevBroker& broker() { return broker_; }
    kafka::Producer& producer() { return producer_; }

    kafka::Config client_config(std::string const& group) const
    {
        kafka::Config c;
        c.brokers = broker_.address();
        c.client_id = "chain-test";
        c.group_id = group;
        c.delivery_timeout = 5s;
        return c;
    }

private:
    static std::string url(std::uint16_t port)
    {
        return "http://127.0.0.1:" + std::to_string(port);
    }
    test::EnvVars env(std::string const& database_url, test::EnvVars const& extra) const
    {
        test::EnvVars vars{{"DATABASE_URL", database_url}, {"KAFKA_BROKER", broker_.address()}};
        vars.insert(vars.end(), extra.begin(), extra.end());
        return vars;
    }

    test::DevBroker broker_;
    kafka::Producer producer_{client_config("chain-test-producer")};
    std::unique_ptr<test::RunningService> users_;
    std::vector<std::unique_ptr<test::RunningService>> orders_;
    std::unique_ptr<test::RunningService> payments_;
    std::unique_ptr<test::RunningService> gateway_;
};

// One chain for the cases that need no chain of their own.
Chain& shared_chain()
{
    static Chain chain{"chain"};
    return chain;
}

// POST /api/users at `port` (the user-service's or the gateway's); returns the user's id.
std::string register_user(std::uint16_t port, std::string const& request_id = http::new_uuid(),
                          std::string const& extra_headers = {})
{
    json const body{{"email", http::new_uuid() + "@example.com"},
                    {"name", "Chain User"},
                    {"password", "Chain-Secret-1"}};
    auto const reply = test::request(port, "POST", "/api/users", body.dump(),
                                     "X-Request-Id: " + request_id + "\r\n" + extra_headers);
    REQUIRE(reply.status == 201);
    return json::parse(reply.body).at("id").get<std::string>();
}

json get_json(std::uint16_t port, std::string const& target)
{
    auto const reply = test::request(port, "GET", target);
    REQUIRE(reply.status == 200);
    return json::parse(reply.body);
}

json orders_of(Chain& chain, std::string const& user_id)
{
    return get_json(chain.orders(), "/api/orders?userId=" + user_id);
}

json payments_of(Chain& chain, std::string const& order_id)
{
    return get_json(chain.payments(), "/api/payments?orderId=" + order_id);
}

// The user has exactly one order, its welcome order, and it is paid.
bool welcome_order_paid(Chain& chain, std::string const& user_id)
{
    auto const orders = orders_of(chain, user_id);
    return orders.size() == 1 && orders[0]["kind"] == "welcome" && orders[0]["status"] == "paid";
}

// The value of one sample on a service's /metrics, e.g. `payments_total{status="completed"}`;
// 0 when the sample is not there yet.
double sample(std::uint16_t port, std::string const& name)
{
    return test::sample_in(test::request(port, "GET", "/metrics").body, name).value_or(0);
}

// The events of one correlation id, in the order the reader got them.
std::vector<events::Envelope> chain_of(test::TopicReader const& reader,
                                       std::string const& correlation_id)
{
    std::vector<events::Envelope> found;
    for (auto const& record : reader.records()) {
        auto envelope = events::Envelope::parse(record.value);
        if (envelope.correlation_id == correlation_id)
            found.push_back(std::move(envelope));
    }
    std::stable_sort(found.begin(), found.end(),
                     [](auto const& a, auto const& b) { return a.occurred_at < b.occurred_at; });
    return found;
}

std::vector<std::string> types_of(std::vector<events::Envelope> const& chain)
{
    std::vector<std::string> types;
    for (auto const& e : chain)
        types.push_back(e.event_type);
    return types;
}

} // namespace

TEST_CASE("a registered user's welcome order is paid, and so is a manual order", "[chain]")
{
    auto& chain = shared_chain();
    test::TopicReader reader{chain.client_config("chain-reader"),
                             chain.producer(),
                             {"user.created", "order.created", "payment.completed"}};
    auto const request_id = "chain-" + http::new_uuid();
    auto const user = register_user(chain.users(), request_id);

    REQUIRE(test::eventually([&] { return welcome_order_paid(chain, user); }, kChainTimeout));
    auto const welcome = orders_of(chain, user)[0];
    auto const welcome_payments = payments_of(chain, welcome["id"].get<std::string>());
    REQUIRE(welcome_payments.size() == 1);
    CHECK(welcome_payments[0]["status"] == "completed");
    CHECK(welcome_payments[0]["amount"] == welcome["totalAmount"]);
    CHECK(welcome["payment"]["id"] == welcome_payments[0]["id"]);

    // Every event of the chain carries the X-Request-Id of the registration.
    std::vector<events::Envelope> events;
    REQUIRE(test::eventually(
        [&] {
            events = chain_of(reader, request_id);
            return events.size() == 3;
        },
        kChainTimeout));
    CHECK(types_of(events) ==
          std::vector<std::string>{"user.created", "order.created", "payment.completed"});
    CHECK(events[0].source == "user-service");
    CHECK(events[1].source == "order-service");
    CHECK(events[2].source == "payment-service");

    json const body{
        {"userId", user},
        {"items",
         json::array({{{"productId", "product-book-1"}, {"quantity", 2}, {"price", 19.99}},
                      {{"productId", "product-pen-2"}, {"quantity", 1}, {"price", 0.01}}})}};
    auto const created = test::request(chain.orders(), "POST", "/api/orders", body.dump());
    REQUIRE(created.status == 201);
    auto const order = json::parse(created.body);
    CHECK(order["status"] == "pending");
    CHECK(order["totalAmount"] == 39.99);
    auto const order_id = order["id"].get<std::string>();
    REQUIRE(test::eventually(
        [&] { return get_json(chain.orders(), "/api/orders/" + order_id)["status"] == "paid"; },
        kChainTimeout));
    auto const payments = payments_of(chain, order_id);
    REQUIRE(payments.size() == 1);
    CHECK(payments[0]["amount"] == 39.99);
    CHECK(payments[0]["userId"] == user);
    CHECK(orders_of(chain, user).size() == 2);
}

TEST_CASE("an order.created delivered twice is paid once", "[chain]")
{
    auto& chain = shared_chain();
    test::TopicReader reader{
        chain.client_config("duplicate-reader"), chain.producer(), {"order.created"}};
    auto const user = register_user(chain.users());
    REQUIRE(test::eventually([&] { return welcome_order_paid(chain, user); }, kChainTimeout));
    auto const order_id = orders_of(chain, user)[0]["id"].get<std::string>();

    kafka::Record original;
    REQUIRE(test::eventually(
        [&] {
            for (auto const& r : reader.records())
                if (r.key == order_id)
                    original = r;
            return !original.value.empty();
        },
        kChainTimeout));
    std::vector<kafka::Message> const again{
        {original.topic, original.key, original.value, original.headers}};
    REQUIRE(chain.producer().produce_and_wait(again).at(0).outcome == kafka::Delivery::delivered);

    // Another order's event on the same key follows the copy in its partition: once that
    // order is paid, the copy has been handled.
    auto const marker = http::new_uuid();
    auto const price = events::Money::from_cents(100);
    events::OrderCreated const created{marker,
                                       user,
                                       {{"product-marker-1", 1, price}},
                                       price,
                                       "USD",
                                       events::OrderKind::standard,
                                       events::Clock::now()};
    std::vector<kafka::Message> const follow{
        {"order.created",
         order_id,
         events::envelope_for(created, "order-service", "marker-" + marker).to_json(),
         {}}};
    REQUIRE(chain.producer().produce_and_wait(follow).at(0).outcome == kafka::Delivery::delivered);
    REQUIRE(
        test::eventually([&] { return payments_of(chain, marker).size() == 1; }, kChainTimeout));

    CHECK(payments_of(chain, order_id).size() == 1);
    CHECK(get_json(chain.orders(), "/api/orders/" + order_id)["status"] == "paid");
}

TEST_CASE("a poison order.created is dead-lettered and payments go on", "[chain][dlq]")
{
    auto& chain = shared_chain();
    test::TopicReader letters{
        chain.client_config("poison-reader"), chain.producer(), {"order.created.dlq"}};
    auto const key = http::new_uuid();
    std::vector<kafka::Message> const poison{
        {"order.created", key, R"({"eventType":"order.created","eventVersion":99})", {}}};
    REQUIRE(chain.producer().produce_and_wait(poison).at(0).outcome == kafka::Delivery::delivered);

    REQUIRE(test::eventually(
        [&] {
            auto const all = letters.records();
            return std::any_of(all.begin(), all.end(), [&](auto const& r) { return r.key == key; });
        },
        kChainTimeout));
    for (auto const& r : letters.records())
        if (r.key == key) {
            CHECK(r.header("dlq-original-topic") == "order.created");
            CHECK(r.header("dlq-error").has_value());
        }
    auto const user = register_user(chain.users());
    CHECK(test::eventually([&] { return welcome_order_paid(chain, user); }, kChainTimeout));
}

TEST_CASE("users registered while the broker is down all get paid welcome orders once it is back",
          "[chain][faults]")
{
    // A short delivery timeout, so the relay meets the outage instead of waiting it out.
    Chain chain{"outage", {.env = {{"KAFKA_DELIVERY_TIMEOUT_MS", "1000"}}}};
    auto const first = register_user(chain.users());
    REQUIRE(test::eventually([&] { return welcome_order_paid(chain, first); }, kChainTimeout));

    chain.broker().down();
    std::vector<std::string> users;
    for (int i = 0; i < 20; ++i)
        users.push_back(register_user(chain.users())); // 201: the events wait in the outbox
    CHECK(test::eventually(
        [&] { return test::request(chain.users(), "GET", "/health/ready").status == 503; }, 10s));
    REQUIRE(test::eventually(
        [&] { return sample(chain.users(), "outbox_publish_failures_total") > 0; }, 10s));
    CHECK(sample(chain.users(), "outbox_pending_events") > 0);
    chain.broker().up();

    for (auto const& user : users)
        CHECK(test::eventually([&] { return welcome_order_paid(chain, user); }, kChainTimeout));
    CHECK(test::eventually([&] { return sample(chain.users(), "outbox_pending_events") == 0; }));
    CHECK(test::eventually(
        [&] { return test::request(chain.users(), "GET", "/health/ready").status == 200; }, 10s));
}

TEST_CASE("two order-service instances share 100 new users: 100 welcome orders, 100 payments",
          "[chain][scale]")
{
    Chain chain{"scale", {.order_instances = 2}};
    // Both instances hold partitions before the users come.
    REQUIRE(test::eventually(
        [&] {
            return sample(chain.orders(0), "kafka_consumer_assigned_partitions") > 0 &&
                   sample(chain.orders(1), "kafka_consumer_assigned_partitions") > 0;
        },
        kChainTimeout));

    constexpr int kUsers = 100;
    std::vector<std::future<std::vector<std::string>>> batches;
    for (int worker = 0; worker < 4; ++worker)
        batches.push_back(std::async(std::launch::async, [&chain] {
            std::vector<std::string> ids;
            for (int i = 0; i < kUsers / 4; ++i)
                ids.push_back(register_user(chain.users()));
            return ids;
        }));
    std::set<std::string> users;
    for (auto& batch : batches)
        for (auto const& id : batch.get())
            users.insert(id);
    REQUIRE(users.size() == kUsers);

    auto const welcome = [&](std::size_t instance) {
        return sample(chain.orders(instance), R"(orders_created_total{kind="welcome"})");
    };
    auto const payments = [&] {
        return sample(chain.payments(), R"(payments_total{status="completed"})");
    };
    REQUIRE(test::eventually([&] { return payments() >= kUsers; }, kChainTimeout));
    CHECK(welcome(0) + welcome(1) == kUsers);
    CHECK(welcome(0) > 0);
    CHECK(welcome(1) > 0);
    CHECK(payments() == kUsers);
    for (auto const& user : users)
        CHECK(test::eventually([&] { return welcome_order_paid(chain, user); }));
    auto const listed = test::request(chain.payments(), "GET", "/api/payments?limit=1");
    CHECK(listed.header("x-total-count") == std::to_string(kUsers));
}

namespace {

constexpr auto kApiKey = "chain-api-key";

// The three services behind a gateway, all with one API key, for the event view cases.
Chain& gateway_chain()
{
    static Chain chain{"view",
                       {.env = {{"API_KEY", kApiKey}, {"API_KEY_REQUIRED", "true"}},
                        .gateway = true,
                        .gateway_env = {{"EVENTS_MAX_CHAINS", "4"}}}};
    return chain;
}

json event_chain(Chain& chain, std::string const& correlation_id, int wait_seconds)
{
    test::Connection connection{chain.gateway()};
    REQUIRE(connection.send("GET /api/events/" + correlation_id + "?wait=" +
                            std::to_string(wait_seconds) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    // Held until the chain is complete, not until the wait ends: a reply only at the end
    // would mean the view missed the event that completed it.
    auto const reply = connection.read_reply(std::chrono::seconds{wait_seconds} * 2 / 3);
    REQUIRE(reply);
    REQUIRE(reply->status == 200);
    return json::parse(reply->body);
}

std::vector<std::string> types_in(json const& chain)
{
    std::vector<std::string> types;
    for (auto const& event : chain["events"])
        types.push_back(event["eventType"].get<std::string>());
    return types;
}

} // namespace

TEST_CASE("through the gateway a registration's event chain is shown complete and in order",
          "[chain][gateway][events]")
{
    auto& chain = gateway_chain();
    auto const request_id = "view-" + http::new_uuid();
    auto const user = register_user(chain.gateway(), request_id);

    auto const view = event_chain(chain, request_id, 30); // held until payment.completed
    CHECK(view["correlationId"] == request_id);
    CHECK(view["complete"] == true);
    REQUIRE(types_in(view) ==
            std::vector<std::string>{"user.created", "order.created", "payment.completed"});
    auto const& events = view["events"];
    CHECK(events[0]["source"] == "user-service");
    CHECK(events[0]["data"]["userId"] == user);
    CHECK(events[1]["data"]["kind"] == "welcome");
    CHECK(events[2]["source"] == "payment-service");
    CHECK(events[0]["sequence"].get<int>() < events[2]["sequence"].get<int>());
    CHECK(events[0]["occurredAt"].get<std::string>() <= events[2]["occurredAt"].get<std::string>());
    CHECK(events[0]["data"].dump().find("password") == std::string::npos);

    // A manual order's own chain: its request id, its order, its payment.
    auto const order_request = "view-order-" + http::new_uuid();
    json const body{
        {"userId", user},
        {"items", json::array({{{"productId", "product-lamp-7"}, {"quantity", 1}, {"price", 5}}})}};
    auto const created = test::request(chain.gateway(), "POST", "/api/orders", body.dump(),
                                       "X-Request-Id: " + order_request + "\r\n");
    REQUIRE(created.status == 201);
    CHECK(created.header("x-request-id") == order_request);
    auto const order_view = event_chain(chain, order_request, 30);
    CHECK(order_view["complete"] == true);
    CHECK(types_in(order_view) == std::vector<std::string>{"order.created", "payment.completed"});
    // The order-service reads payment.completed alongside the gateway, not before it: the
    // status follows within moments of the chain's completion.
    auto const order_path = "/api/orders/" + json::parse(created.body)["id"].get<std::string>();
    CHECK(test::eventually(
        [&] { return get_json(chain.gateway(), order_path)["status"] == "paid"; }, 10s));
}

TEST_CASE("the services refuse API calls without the key; health and metrics stay open",
          "[chain][gateway][auth]")
{
    auto& chain = gateway_chain();
    for (auto const* headers : {"", "x-api-key: wrong\r\n"}) {
        auto const reply = test::request(chain.users(), "GET", "/api/users", {}, headers);
        CHECK(reply.status == 401);
        CHECK(json::parse(reply.body)["message"] == "Invalid or missing API key");
    }
    CHECK(test::request(chain.orders(), "GET", "/api/orders").status == 401);
    CHECK(test::request(chain.payments(), "GET", "/api/payments").status == 401);
    CHECK(test::request(chain.users(), "GET", "/api/users", {},
                        std::string{"x-api-key: "} + kApiKey + "\r\n")
              .status == 200);
    for (auto const port : {chain.users(), chain.orders(), chain.payments()}) {
        CHECK(test::request(port, "GET", "/health/live").status == 200);
        CHECK(test::request(port, "GET", "/metrics").status == 200);
    }
    // Through the gateway the key is added for the caller.
    CHECK(test::request(chain.gateway(), "GET", "/api/users").status == 200);
}

TEST_CASE("the live event stream sends each event as it happens, filtered by type",
          "[chain][gateway][events]")
{
    auto& chain = gateway_chain();
    test::Connection stream{chain.gateway()};
    REQUIRE(stream.send("GET /api/events/stream?type=payment.completed HTTP/1.1\r\n"
                        "Host: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"));
    auto const head = stream.read_until("\r\n\r\n", 5s);
    REQUIRE(head);
    CHECK(head->starts_with("HTTP/1.1 200"));
    CHECK(head->find("text/event-stream") != std::string::npos);
    REQUIRE(stream.read_until(": following events\n\n", 5s));

    auto const request_id = "stream-" + http::new_uuid();
    register_user(chain.gateway(), request_id);
    std::string frames;
    for (;;) {
        auto const frame = stream.read_until("\n\n", 30s);
        REQUIRE(frame);
        frames += *frame;
        if (frame->find(request_id) != std::string::npos)
            break;
    }
    CHECK(frames.find("event: payment.completed\n") != std::string::npos);
    CHECK(frames.find("event: user.created") == std::string::npos);
    CHECK(frames.find("event: order.created") == std::string::npos);
}

TEST_CASE("a live stream resumed with Last-Event-ID first sends the events it missed",
          "[chain][gateway][events]")
{
    auto& chain = gateway_chain();
    auto const request_id = "resume-" + http::new_uuid();
    register_user(chain.gateway(), request_id);
    auto const seen = nlohmann::json::parse(
        test::request(chain.gateway(), "GET", "/api/events/" + request_id + "?wait=20").body);
    REQUIRE(seen["complete"] == true);
    // The topics are read independently: the earliest arrival is not always user.created.
    auto first = seen["events"][0]["sequence"].get<std::uint64_t>();
    for (auto const& event : seen["events"])
        first = std::min(first, event["sequence"].get<std::uint64_t>());

    // As an EventSource reconnects: the id of the last event it got, here the one before
    // this chain's first. Nothing new happens; the chain comes from the ring.
    test::Connection stream{chain.gateway()};
    REQUIRE(stream.send("GET /api/events/stream?type=user.created,payment.completed HTTP/1.1\r\n"
                        "Host: 127.0.0.1\r\nLast-Event-ID: " +
                        std::to_string(first - 1) + "\r\n\r\n"));
    REQUIRE(stream.read_until(": following events\n\n", 5s));
    // Every event of the chain of those types comes again, each with its own id.
    std::vector<std::string> expected;
    for (auto const& event : seen["events"])
        if (event["eventType"] == "user.created" || event["eventType"] == "payment.completed")
            expected.push_back("id: " + std::to_string(event["sequence"].get<std::uint64_t>()) +
                               "\nevent: " + event["eventType"].get<std::string>() + "\n");
    REQUIRE(expected.size() == 2);
    std::string frames;
    while (!std::ranges::all_of(
        expected, [&frames](auto const& line) { return frames.find(line) != std::string::npos; })) {
        auto const frame = stream.read_until("\n\n", 5s);
        REQUIRE(frame);
        frames += *frame;
    }

    // An id this gateway never wrote (say, from before a restart) starts at the newest.
    test::Connection fresh{chain.gateway()};
    REQUIRE(fresh.send("GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Last-Event-ID: 99999999999\r\n\r\n"));
    REQUIRE(fresh.read_until(": following events\n\n", 5s));
    std::uint64_t last = 0;
    for (auto const& event : seen["events"])
        last = std::max(last, event["sequence"].get<std::uint64_t>());
    if (auto const frame = fresh.read_until("\n\n", 300ms)) // only what happened since
        CHECK(std::stoull(frame->substr(frame->find("id: ") + 4)) > last);
}

TEST_CASE("the event view answers 404 for an unknown chain, 400 for a bad wait, and stays bounded",
          "[chain][gateway][events]")
{
    auto& chain = gateway_chain();
    CHECK(
        test::request(chain.gateway(), "GET", "/api/events/nobody-" + http::new_uuid() + "?wait=1")
            .status == 404);
    for (auto const* wait : {"abc", "-1", "31", "1.5"})
        CHECK(test::request(chain.gateway(), "GET", std::string{"/api/events/x?wait="} + wait)
                  .status == 400);

    // EVENTS_MAX_CHAINS=4: after five more chains the first one is forgotten.
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back("bounded-" + std::to_string(i) + "-" + http::new_uuid());
        register_user(chain.gateway(), ids.back());
        CHECK(event_chain(chain, ids.back(), 30)["complete"] == true);
    }
    CHECK(test::request(chain.gateway(), "GET", "/api/events/" + ids.front()).status == 404);
    CHECK(test::request(chain.gateway(), "GET", "/api/events/" + ids.back()).status == 200);
}
