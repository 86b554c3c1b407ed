// The order-service and payment-service executables on a real PostgreSQL and the Kafka dev
// broker: the event chain user.created → order.created → payment.* → order status.
#include "http_client.hpp"
#include "postgres.hpp"
#include "service.hpp"
#include "topic_reader.hpp"

#include <shop/events/events.hpp>
#include <shop/http/request_id.hpp>
#include <shop/kafka/consumer.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace shop;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

test::TempPostgres& postgres()
{
    static test::TempPostgres server;
    return server;
}

// A loopback port nothing listens on: the user-service, down.
std::uint16_t closed_port()
{
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// A stand-in user-service: GET /api/users/:id answers 200 for the users it was told about,
// 404 for the rest. One request per connection, served on a thread of its own.
class FakeUserService {
public:
    FakeUserService()
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(fd_, 16) == 0);
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread{[this] { serve(); }};
    }
    ~FakeUserService()
    {
        ::shutdown(fd_, SHUT_RDWR); // wakes the blocked accept()
        thread_.join();
        ::close(fd_);
    }
    FakeUserService(FakeUserService const&) = delete;
    FakeUserService& operator=(FakeUserService const&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    void add(std::string const& id)
    {
        std::lock_guard lock{mutex_};
        known_.insert(id);
    }

private:
    void serve()
    {
        for (;;) {
            int const client = ::accept(fd_, nullptr, nullptr);
            if (client < 0)
                return;
            std::string request;
            char buffer[4096];
            while (request.find("\r\n\r\n") == std::string::npos) {
                auto const n = ::read(client, buffer, sizeof buffer);
                if (n <= 0)
                    break;
                request.append(buffer, static_cast<std::size_t>(n));
            }
            auto const reply = answer(request);
            [[maybe_unused]] auto const written = ::write(client, reply.data(), reply.size());
            ::close(client);
        }
    }
    std::string answer(std::string const& request)
    {
        constexpr std::string_view prefix = "GET /api/users/";
        auto const id =
            request.starts_with(prefix)
                ? request.substr(prefix.size(), request.find(' ', prefix.size()) - prefix.size())
                : std::string{};
        bool known = false;
        {
            std::lock_guard lock{mutex_};
            known = known_.contains(id);
        }
        auto const body = known
                              ? json{{"id", id}, {"email", id + "@example.com"}, {"name", "Fresh"}}
                              : json{{"statusCode", 404}, {"message", "not found"}};
        auto const text = body.dump();
        return std::string{"HTTP/1.1 "} + (known ? "200 OK" : "404 Not Found") +
               "\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(text.size()) + "\r\nConnection: close\r\n\r\n" + text;
    }

    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::mutex mutex_;
    std::set<std::string> known_;
    std::thread thread_;
};

// A dev broker, the two services (payments optional) on fresh databases, and a producer
// standing in for the user-service.
class Stack {
public:
    // `user_service`: where the order-service asks about users it has not heard of.
    Stack(std::string const& name, bool with_payments, std::string user_service)
        : user_service_{std::move(user_service)}, broker_{SHOP_KAFKA_DEV_BROKER,
                                                          {{"KAFKA_DEV_BROKER_PORT", "0"}}},
          producer_{client_config("test-producer")}
    {
        orders_ = std::make_unique<test::RunningService>(
            SHOP_ORDER_SERVICE, service_env(postgres().create_database(name + "_orders")));
        if (with_payments)
            payments_ = std::make_unique<test::RunningService>(
                SHOP_PAYMENT_SERVICE, service_env(postgres().create_database(name + "_payments")));
    }

    std::uint16_t orders() const { return orders_->port(); }
    std::uint16_t payments() const { return payments_->port(); }
    kafka::Producer& producer() { return producer_; }

    kafka::Config client_config(std::string const& group) const
    {
        kafka::Config c;
        c.brokers = brokers();
        c.client_id = "order-payment-test";
        c.group_id = group;
        c.delivery_timeout = 3s;
        return c;
    }

    void publish(std::string const& topic, std::string const& key, std::string const& value)
    {
        std::vector<kafka::Message> const batch{{topic, key, value, {{"x-request-id", "test"}}}};
        auto const reports = producer_.produce_and_wait(batch);
        REQUIRE(reports.at(0).outcome == kafka::Delivery::delivered);
    }
    void publish(events::Envelope const& envelope, std::string const& key)
    {
        publish(envelope.event_type, key, envelope.to_json());
    }

private:
    std::string brokers() const { return "127.0.0.1:" + std::to_string(broker_.port()); }
    test::EnvVars service_env(std::string const& database_url) const
    {
        return {{"DATABASE_URL", database_url},
                {"KAFKA_BROKER", brokers()},
                {"USER_SERVICE_URL", user_service_},
                {"USER_SERVICE_TIMEOUT_MS", "500"}};
    }

    std::string user_service_;
    test::RunningService broker_;
    kafka::Producer producer_;
    std::unique_ptr<test::RunningService> orders_;
    std::unique_ptr<test::RunningService> payments_;
};

std::string unreachable_url()
{
    return "http://127.0.0.1:" + std::to_string(closed_port());
}

FakeUserService& user_service()
{
    static FakeUserService service;
    return service;
}

// One running chain for the cases that do not need one of their own.
Stack& chain()
{
    static Stack stack{"chain", true, user_service().url()};
    return stack;
}

events::Envelope user_created(std::string const& user_id)
{
    return events::envelope_for(events::UserCreated{user_id, user_id + "@example.com", "Demo User",
                                                    "user", events::Clock::now()},
                                "user-service", "req-" + user_id);
}

// A user the order-service knows: its user.created is consumed (the welcome order exists).
std::string known_user(Stack& stack)
{
    auto const id = http::new_uuid();
    stack.publish(user_created(id), id);
    REQUIRE(test::eventually(
        [&] {
            return test::request(stack.orders(), "GET", "/api/orders?userId=" + id).body.find(id) !=
                   std::string::npos;
        },
        30s));
    return id;
}

json orders_of(Stack& stack, std::string const& user_id)
{
    auto const reply = test::request(stack.orders(), "GET", "/api/orders?userId=" + user_id);
    REQUIRE(reply.status == 200);
    return json::parse(reply.body);
}

json get_order(Stack& stack, std::string const& id)
{
    return json::parse(test::request(stack.orders(), "GET", "/api/orders/" + id).body);
}

test::Reply post_order(Stack& stack, json const& body)
{
    return test::request(stack.orders(), "POST", "/api/orders", body.dump());
}

json order_body(std::string const& user_id, int quantity, double price)
{
    return {{"userId", user_id},
            {"items",
             json::array(
                 {{{"productId", "product-demo-123"}, {"quantity", quantity}, {"price", price}}})}};
}

// Waits until the order leaves pending; returns it.
json settled(Stack& stack, std::string const& order_id)
{
    json order;
    test::eventually(
        [&] {
            order = get_order(stack, order_id);
            return order.value("status", "") != "pending";
        },
        30s);
    return order;
}

std::vector<std::string> messages_of(test::Reply const& reply)
{
    CHECK(reply.status == 400);
    return json::parse(reply.body).at("message").get<std::vector<std::string>>();
}

bool contains(std::vector<std::string> const& all, std::string const& one)
{
    return std::find(all.begin(), all.end(), one) != all.end();
}

} // namespace

TEST_CASE("a new user gets exactly one welcome order which is then paid", "[orders][payments]")
{
    auto& stack = chain();
    auto const user = http::new_uuid();
    stack.publish(user_created(user), user);

    json orders;
    REQUIRE(test::eventually(
        [&] {
            orders = orders_of(stack, user);
            return orders.size() == 1 && orders[0]["status"] == "paid";
        },
        30s));
    auto const& order = orders[0];
    CHECK(order["kind"] == "welcome");
    CHECK(order["items"].size() == 1);
    CHECK(order["items"][0]["productId"] == "product-welcome-kit");
    CHECK(order["totalAmount"].get<double>() > 0);
    CHECK(order["payment"]["status"] == "completed");
    CHECK(order["payment"]["amount"] == order["totalAmount"]);

    auto const payments = test::request(stack.payments(), "GET",
                                        "/api/payments?orderId=" + order["id"].get<std::string>());
    CHECK(payments.header("x-total-count") == "1");
    auto const list = json::parse(payments.body);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["id"] == order["payment"]["id"]);
    CHECK(list[0]["status"] == "completed");
    auto const one =
        test::request(stack.payments(), "GET", "/api/payments/" + list[0]["id"].get<std::string>());
    CHECK(one.status == 200);
    CHECK(json::parse(one.body)["orderId"] == order["id"]);

    CHECK(test::request(stack.orders(), "GET", "/metrics")
              .body.find("orders_created_total{kind=\"welcome\"}") != std::string::npos);
    CHECK(test::request(stack.payments(), "GET", "/metrics")
              .body.find("payments_total{status=\"completed\"}") != std::string::npos);
}

TEST_CASE("the same user.created delivered twice still makes one welcome order", "[orders]")
{
    auto& stack = chain();
    auto const user = http::new_uuid();
    auto const event = user_created(user);
    stack.publish(event, user);
    stack.publish(event, user);
    stack.publish(user_created(user), user); // a second event for the same user
    // Another user's event on the same key comes after all three in their partition: once
    // its welcome order exists, the duplicates have been handled too.
    auto const marker = http::new_uuid();
    stack.publish(user_created(marker), user);
    REQUIRE(test::eventually([&] { return orders_of(stack, marker).size() == 1; }, 30s));
    auto const orders = orders_of(stack, user);
    REQUIRE(orders.size() == 1);
    REQUIRE(test::eventually(
        [&] { return get_order(stack, orders[0]["id"].get<std::string>())["status"] == "paid"; },
        30s));
    auto const payments = test::request(
        stack.payments(), "GET", "/api/payments?orderId=" + orders[0]["id"].get<std::string>());
    CHECK(payments.header("x-total-count") == "1");
}

TEST_CASE("a manual order totals exactly and is paid", "[orders][payments]")
{
    auto& stack = chain();
    auto const user = known_user(stack);
    auto const reply = post_order(stack, order_body(user, 3, 19.99));
    REQUIRE(reply.status == 201);
    auto const created = json::parse(reply.body);
    CHECK(created["userId"] == user);
    CHECK(created["totalAmount"].get<double>() == 59.97);
    CHECK(created["currency"] == "USD");
    CHECK(created["kind"] == "standard");
    CHECK(created["status"] == "pending");
    CHECK(created["payment"].is_null());
    CHECK(created["items"][0] ==
          json{{"productId", "product-demo-123"}, {"quantity", 3}, {"price", 19.99}});

    auto const order = settled(stack, created["id"]);
    CHECK(order["status"] == "paid");
    CHECK(order["payment"]["amount"].get<double>() == 59.97);

    auto const all =
        test::request(stack.orders(), "GET", "/api/orders?userId=" + user + "&limit=1");
    CHECK(all.header("x-total-count") == "2");
    CHECK(json::parse(all.body).size() == 1);
}

TEST_CASE("a repeated Idempotency-Key returns the first order and creates nothing twice",
          "[orders][idempotency]")
{
    auto& stack = chain();
    auto const user = known_user(stack);
    auto const body = order_body(user, 2, 29.99).dump();
    auto const key = "Idempotency-Key: order-" + user + "\r\n";
    auto const first = test::request(stack.orders(), "POST", "/api/orders", body, key);
    auto const second = test::request(stack.orders(), "POST", "/api/orders", body, key);
    REQUIRE(first.status == 201);
    CHECK(second.status == 201);
    CHECK(second.body == first.body);
    CHECK(second.header("idempotent-replayed") == "true");

    auto const other = test::request(stack.orders(), "POST", "/api/orders",
                                     order_body(user, 3, 29.99).dump(), key);
    CHECK(other.status == 422);
    auto const all = test::request(stack.orders(), "GET", "/api/orders?userId=" + user);
    CHECK(all.header("x-total-count") == "2"); // the welcome order and this one
}

TEST_CASE("an order over the payment limit fails with its reason", "[orders][payments]")
{
    auto& stack = chain();
    auto const user = known_user(stack);
    auto const reply = post_order(stack, order_body(user, 2, 5000.01));
    REQUIRE(reply.status == 201);
    auto const id = json::parse(reply.body)["id"].get<std::string>();
    auto const order = settled(stack, id);
    CHECK(order["status"] == "payment_failed");
    CHECK(order["payment"]["status"] == "failed");
    CHECK(order["payment"]["reason"] == "amount exceeds limit");
    CHECK(order["payment"]["amount"].get<double>() == 10000.02);

    auto const payments =
        json::parse(test::request(stack.payments(), "GET", "/api/payments?orderId=" + id).body);
    REQUIRE(payments.size() == 1);
    CHECK(payments[0]["reason"] == "amount exceeds limit");
}

TEST_CASE("every validation rule answers 400 with its message", "[orders][validation]")
{
    auto& stack = chain();
    auto const user = http::new_uuid();
    auto const item = [](json patch) {
        json line{{"productId", "product-1"}, {"quantity", 1}, {"price", 1.5}};
        line.update(patch);
        return json{{"userId", "0b6f4e2a-8c1d-4f3e-9a7b-2c5d6e7f8a90"},
                    {"items", json::array({line})}};
    };
    CHECK(messages_of(post_order(stack, {{"userId", "42"},
                                         {"items", json::array({json{{"productId", "product-1"},
                                                                     {"quantity", 1},
                                                                     {"price", 1}}})}})) ==
          std::vector<std::string>{"userId must be a UUID"});
    CHECK(contains(messages_of(post_order(stack, {{"userId", user}, {"items", json::array()}})),
                   "items must contain at least 1 elements"));
    json many{{"userId", user}, {"items", json::array()}};
    for (int i = 0; i < 101; ++i)
        many["items"].push_back({{"productId", "product-1"}, {"quantity", 1}, {"price", 1}});
    CHECK(contains(messages_of(post_order(stack, many)),
                   "items must contain no more than 100 elements"));
    CHECK(contains(messages_of(post_order(stack, item({{"productId", "sku-1"}}))),
                   "items.0.productId must match /^product-[a-zA-Z0-9-]+$/ regular expression"));
    CHECK(contains(messages_of(post_order(stack, item({{"quantity", 0}}))),
                   "items.0.quantity must not be less than 1"));
    CHECK(contains(messages_of(post_order(stack, item({{"quantity", 10000}}))),
                   "items.0.quantity must not be greater than 9999"));
    CHECK(contains(messages_of(post_order(stack, item({{"quantity", 2.5}}))),
                   "items.0.quantity must be an integer number"));
    CHECK(contains(messages_of(post_order(stack, item({{"price", 0}}))),
                   "items.0.price must not be less than 0.01"));
    CHECK(contains(messages_of(post_order(stack, item({{"price", 1000000}}))),
                   "items.0.price must not be greater than 999999.99"));
    CHECK(contains(messages_of(post_order(stack, item({{"price", 1.234}}))),
                   "items.0.price must be a number conforming to the specified constraints"));
    CHECK(contains(messages_of(post_order(stack, item({{"color", "red"}}))),
                   "property items.0.color should not exist"));
    auto extra = item(json::object());
    extra["coupon"] = "FREE";
    CHECK(contains(messages_of(post_order(stack, extra)), "property coupon should not exist"));

    auto const malformed = test::request(stack.orders(), "GET", "/api/orders/not-a-uuid");
    CHECK(malformed.status == 400);
    CHECK(json::parse(malformed.body)["message"] == "Validation failed (uuid is expected)");
    auto const missing = test::request(stack.orders(), "GET", "/api/orders/" + user);
    CHECK(missing.status == 404);
    CHECK(json::parse(missing.body)["message"] == "Order with ID " + user + " not found");
    CHECK(contains(messages_of(test::request(stack.orders(), "GET", "/api/orders?limit=0")),
                   "limit must not be less than 1"));
    CHECK(test::request(stack.payments(), "GET", "/api/payments/nope").status == 400);
    CHECK(test::request(stack.payments(), "GET", "/api/payments/" + user).status == 404);
}

TEST_CASE("an order for a user created a moment ago is accepted before its event arrives",
          "[orders][users]")
{
    auto& stack = chain();
    auto const user = http::new_uuid();
    user_service().add(user); // the user-service said 201; its user.created is not here yet
    auto const reply = post_order(stack, order_body(user, 1, 9.99));
    CHECK(reply.status == 201);
    CHECK(json::parse(reply.body)["userId"] == user);
}

TEST_CASE("an order for a user the user-service does not know is 404", "[orders][users]")
{
    auto& stack = chain();
    auto const user = http::new_uuid();
    auto const reply = post_order(stack, order_body(user, 1, 9.99));
    CHECK(reply.status == 404);
    CHECK(json::parse(reply.body)["message"] == "User with ID " + user + " not found");
}

TEST_CASE("an order for an unknown user is 503 while the user-service is unreachable", "[orders]")
{
    Stack stack{"unreachable", false, unreachable_url()};
    auto const reply = post_order(stack, order_body(http::new_uuid(), 1, 9.99));
    CHECK(reply.status == 503);
    CHECK(json::parse(reply.body)["message"] == "User service unavailable");
}

TEST_CASE("a poison message on user.created is dead-lettered and the next event is processed",
          "[orders][dlq]")
{
    auto& stack = chain();
    test::TopicReader letters{
        stack.client_config("dlq-reader"), stack.producer(), {"user.created.dlq"}};
    auto const user = http::new_uuid();
    stack.publish("user.created", user, "this is not an event");
    stack.publish(user_created(user), user);
    CHECK(test::eventually([&] { return orders_of(stack, user).size() == 1; }, 30s));
    REQUIRE(test::eventually(
        [&] {
            for (auto const& r : letters.records())
                if (r.key == user)
                    return true;
            return false;
        },
        30s));
    for (auto const& r : letters.records())
        if (r.key == user) {
            CHECK(r.value == "this is not an event");
            CHECK(r.header("dlq-original-topic") == "user.created");
        }
}

TEST_CASE("deleting a user cancels its pending orders and announces each", "[orders][users]")
{
    Stack stack{"deletion", false,
                unreachable_url()}; // no payment-service: the orders stay pending
    test::TopicReader cancelled{
        stack.client_config("cancel-reader"), stack.producer(), {"order.cancelled"}};
    auto const user = known_user(stack);
    auto const reply = post_order(stack, order_body(user, 1, 5));
    REQUIRE(reply.status == 201);
    auto const orders = orders_of(stack, user);
    REQUIRE(orders.size() == 2);

    stack.publish(events::envelope_for(events::UserDeleted{user, events::Clock::now()},
                                       "user-service", "req-delete"),
                  user);
    REQUIRE(test::eventually(
        [&] {
            auto const now = orders_of(stack, user);
            return now[0]["status"] == "cancelled" && now[1]["status"] == "cancelled";
        },
        30s));
    std::set<std::string> expected;
    for (auto const& o : orders)
        expected.insert(o["id"].get<std::string>());
    std::set<std::string> announced;
    REQUIRE(test::eventually(
        [&] {
            announced.clear();
            for (auto const& r : cancelled.records()) {
                auto const event =
                    events::open<events::OrderCancelled>(events::Envelope::parse(r.value));
                CHECK(event.user_id == user);
                announced.insert(event.order_id);
            }
            return announced == expected;
        },
        30s));

    auto const after = post_order(stack, order_body(user, 1, 5));
    CHECK(after.status == 404);
    CHECK(json::parse(after.body)["message"] == "User with ID " + user + " not found");
}
