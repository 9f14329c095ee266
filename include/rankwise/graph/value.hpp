#pragma once
/// Value and Codec: a task's result, type-erased, and how it crosses ranks.
#include <concepts>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "rankwise/error.hpp"
#include "rankwise/runtime/serialize.hpp"

namespace rankwise::graph {

/// An immutable, shared, type-erased task result. Copies share the object. Local.
class Value {
 public:
  Value() = default;

  /// Wraps `value` (moved into shared storage). Local.
  template <class T>
  static Value of(T value) {
    Value v;
    v.object_ = std::make_shared<const std::decay_t<T>>(std::move(value));
    v.type_ = &typeid(std::decay_t<T>);
    return v;
  }

  /// Shares an existing object (no copy). Local.
  template <class T>
  static Value share(std::shared_ptr<const T> object) {
    Value v;
    v.type_ = &typeid(T);
    v.object_ = std::move(object);
    return v;
  }

  /// The stored object; throws Error if it is not a T. Local.
  template <class T>
  const T& get() const {
    if (!object_ || *type_ != typeid(T))
      throw Error(std::string("graph::Value holds ") + (type_ ? type_->name() : "nothing") +
                  ", asked for " + typeid(T).name());
    return *static_cast<const T*>(object_.get());
  }

  bool empty() const noexcept { return !object_; }

 private:
  std::shared_ptr<const void> object_;
  const std::type_info* type_ = nullptr;
};

namespace detail {
template <class T>
struct is_contiguous_raw_vector : std::false_type {};
template <class E, class A>
struct is_contiguous_raw_vector<std::vector<E, A>>
    : std::bool_constant<std::is_trivially_copyable_v<E> && !std::is_same_v<E, bool>> {};
}  // namespace detail

/// Customisation point: specialise for a type with its own byte format (NDArray does).
template <class T>
struct CodecTraits;

template <class T>
concept HasCodecTraits = requires(const T& v, std::span<const char> b) {
  { CodecTraits<T>::encode(v) } -> std::same_as<std::vector<char>>;
  { CodecTraits<T>::decode(b) } -> std::same_as<T>;
};

/// How a task's result type becomes bytes and back. Trivially copyable types and vectors of
/// them move as raw bytes (one memcpy); anything else through Boost.Serialization.
struct Codec {
  std::vector<char> (*encode)(const Value&) = nullptr;
  Value (*decode)(std::span<const char>) = nullptr;
  const char* type_name = "";

  /// The codec of T. Local.
  template <class T>
  static Codec of() {
    Codec c;
    c.type_name = typeid(T).name();
    c.encode = [](const Value& v) -> std::vector<char> {
      const T& x = v.get<T>();
      if constexpr (HasCodecTraits<T>) {
        return CodecTraits<T>::encode(x);
      } else if constexpr (detail::is_contiguous_raw_vector<T>::value) {
        std::vector<char> bytes(x.size() * sizeof(typename T::value_type));
        if (!bytes.empty()) std::memcpy(bytes.data(), x.data(), bytes.size());
        return bytes;
      } else {
        return runtime::to_bytes(x);
      }
    };
    c.decode = [](std::span<const char> bytes) -> Value {
      if constexpr (HasCodecTraits<T>) {
        return Value::of(CodecTraits<T>::decode(bytes));
      } else if constexpr (detail::is_contiguous_raw_vector<T>::value) {
        T x(bytes.size() / sizeof(typename T::value_type));
        if (!bytes.empty()) std::memcpy(x.data(), bytes.data(), bytes.size());
        return Value::of(std::move(x));
      } else {
        return Value::of(runtime::from_bytes<T>(bytes));
      }
    };
    return c;
  }
};

}  // namespace rankwise::graph
