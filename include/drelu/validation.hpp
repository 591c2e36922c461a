// Checks at the API boundary. Every failure throws std::invalid_argument whose message names
// the function, the parameter, the offending value or sizes, and what was expected. Checks run
// before anything is computed or written, so a call that throws changes nothing.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace drelu {
namespace detail {

template <class... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  std::ostringstream message;
  message.precision(17);
  (message << ... << parts);
  throw std::invalid_argument(message.str());
}

// A parameter must be a vector (one column or one row); returns it as a column array.
template <class T, class Derived>
Eigen::Array<T, Eigen::Dynamic, 1> parameter_vector(const char* function, const char* name,
                                                    const Eigen::DenseBase<Derived>& value) {
  if (value.rows() != 1 && value.cols() != 1) {
    fail(function, ": parameter ", name, " is ", value.rows(), " x ", value.cols(),
         "; expected a vector with one value per unit");
  }
  const auto evaluated = value.derived().eval();
  Eigen::Array<T, Eigen::Dynamic, 1> column(evaluated.size());
  for (Eigen::Index i = 0; i < column.size(); ++i) {
    column(i) = static_cast<T>(evaluated(value.cols() == 1 ? i : 0, value.cols() == 1 ? 0 : i));
  }
  return column;
}

template <class Vector>
void require_no_nan(const char* function, const char* name, const Vector& value) {
  for (Eigen::Index i = 0; i < value.size(); ++i) {
    if (std::isnan(value(i))) {
      fail(function, ": parameter ", name, "(", i, ") is NaN; expected a number");
    }
  }
}

// For the shared-scale layers, whose dReLU parameters θ ± Δ/(1 ± η) would be ∞ − ∞.
template <class Vector>
void require_finite(const char* function, const char* name, const Vector& value) {
  require_no_nan(function, name, value);
  for (Eigen::Index i = 0; i < value.size(); ++i) {
    if (!std::isfinite(value(i))) {
      fail(function, ": parameter ", name, "(", i, ") = ", value(i),
           "; expected a finite value (a dReLU can hold infinite thetas)");
    }
  }
}

template <class Vector>
void require_same_length(const char* function, const char* first_name, const Vector& first,
                         const char* name, const Vector& value) {
  if (value.size() != first.size()) {
    fail(function, ": parameter ", name, " has ", value.size(), " entries but ", first_name,
         " has ", first.size(), "; all parameters need one value per unit");
  }
}

template <class Derived>
void require_rows(const char* function, const char* name, const Eigen::DenseBase<Derived>& batch,
                  Eigen::Index units) {
  if (batch.rows() != units) {
    fail(function, ": ", name, " is ", batch.rows(), " x ", batch.cols(), " but the layer has ",
         units, " units; expected a batch with one row per unit (N x B)");
  }
}

template <class DerivedA, class DerivedB>
void require_same_shape(const char* function, const char* name_a,
                        const Eigen::DenseBase<DerivedA>& a, const char* name_b,
                        const Eigen::DenseBase<DerivedB>& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) {
    fail(function, ": ", name_a, " is ", a.rows(), " x ", a.cols(), " but ", name_b, " is ",
         b.rows(), " x ", b.cols(), "; expected equal shapes");
  }
}

}  // namespace detail
}  // namespace drelu
