#pragma once
#include <memory>
#include <utility>
#include <vector>

namespace shop::dev_broker {

// Connections still alive, without owning them, so they can all be closed at once (broker
// down, shutdown). Each connection is owned by its coroutines; T has close().
template <class T>
class Tracked {
public:
    void add(std::shared_ptr<T> const& item)
    {
        std::erase_if(items_, [](auto const& weak) { return weak.expired(); });
        items_.push_back(item);
    }

    void close_all()
    {
        for (auto const& weak : std::exchange(items_, {}))
            if (auto const item = weak.lock())
                item->close();
    }

private:
    std::vector<std::weak_ptr<T>> items_;
};

} // namespace shop::dev_broker
