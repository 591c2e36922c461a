# Checks of the drelu_grid example, run by CTest as
#   cmake -DMODE=<mode> -DEXECUTABLE=<drelu_grid> -DOUTPUT_DIR=<dir> -DSVG=<file>
#         -P example_test.cmake
# Modes:
#   run           the default run writes SVG, exits 0 and prints a header and 16 curve lines
#                 whose Kolmogorov-Smirnov distances are below the level-1e-6 critical value
#   content       SVG is an SVG document with 4 panel titles, text elements and 16 polylines
#   reproducible  the same seed gives byte-identical files, another seed a different file
#   bad_options   each malformed command line exits with status 2 and a one-line error
#   help          --help prints the usage and exits 0
#   unwritable    an output path that cannot be written exits with status 1 and a one-line error

cmake_minimum_required(VERSION 3.16)

foreach(variable MODE EXECUTABLE OUTPUT_DIR SVG)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "example_test.cmake: -D${variable}=... is required")
  endif()
endforeach()
file(MAKE_DIRECTORY ${OUTPUT_DIR})

# Runs drelu_grid with the given arguments; sets rc, out and err in the caller.
function(run_grid)
  execute_process(COMMAND ${EXECUTABLE} ${ARGN}
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
  set(rc "${result}" PARENT_SCOPE)
  set(out "${output}" PARENT_SCOPE)
  set(err "${error}" PARENT_SCOPE)
endfunction()

function(expect_exit_status expected arguments)
  if(NOT rc STREQUAL expected)
    message(FATAL_ERROR "drelu_grid ${arguments}: exit status '${rc}', expected ${expected}\n"
      "stdout:\n${out}\nstderr:\n${err}")
  endif()
endfunction()

function(expect_one_line_error arguments)
  if(NOT err MATCHES "^drelu_grid: [^\n]+\n$")
    message(FATAL_ERROR "drelu_grid ${arguments}: expected a one-line error, got:\n${err}")
  endif()
endfunction()

function(count_matches regex text result)
  string(REGEX MATCHALL "${regex}" matches "${text}")
  list(LENGTH matches count)
  set(${result} ${count} PARENT_SCOPE)
endfunction()

function(check_run)
  file(REMOVE ${SVG})
  run_grid(--output ${SVG})
  expect_exit_status(0 "--output ${SVG}")
  if(NOT EXISTS ${SVG})
    message(FATAL_ERROR "drelu_grid did not write ${SVG}")
  endif()
  count_matches("[^\n]*\n" "${out}" lines)
  count_matches("\n *-?3\\.0 +-?3\\.0 +(0\\.5|1\\.0) +(0\\.5|1\\.0) [^\n]*" "${out}" curves)
  if(NOT lines EQUAL 18 OR NOT curves EQUAL 16)
    message(FATAL_ERROR "expected a header, 16 curve lines and the output path, got:\n${out}")
  endif()
  string(FIND "${out}" "${SVG}" path_position)
  if(path_position EQUAL -1)
    message(FATAL_ERROR "stdout does not say where the SVG was written:\n${out}")
  endif()
  check_ks_distances()
endfunction()

# Every curve's Kolmogorov-Smirnov distance (the last column, 10000 samples by default) must
# stay below the level-1e-6 critical value sqrt(-ln(1e-6/2)/2)/sqrt(n) = 2.6934/100 = 0.0269,
# so that a correct sampler fails with probability below 1e-6 per curve.
function(check_ks_distances)
  string(REGEX MATCHALL "\n *-?3\\.0 [^\n]*" curve_lines "${out}")
  foreach(line IN LISTS curve_lines)
    string(REGEX MATCH "([0-9.]+)$" ks "${line}")
    if(ks STREQUAL "" OR ks GREATER 0.0269)
      message(FATAL_ERROR "KS distance '${ks}' above 0.0269 in:${line}")
    endif()
  endforeach()
endfunction()

function(check_content)
  file(READ ${SVG} svg)
  if(NOT svg MATCHES "^<\\?xml version=\"1.0\" encoding=\"UTF-8\"\\?>\n<svg ")
    message(FATAL_ERROR "${SVG} does not start with an XML declaration and <svg")
  endif()
  foreach(theta_p -3.0 3.0)
    foreach(theta_n -3.0 3.0)
      string(FIND "${svg}" ">θ⁺=${theta_p}, θ⁻=${theta_n}</text>" title_position)
      if(title_position EQUAL -1)
        message(FATAL_ERROR "${SVG} lacks the panel title θ⁺=${theta_p}, θ⁻=${theta_n}")
      endif()
    endforeach()
  endforeach()
  count_matches("<polyline " "${svg}" polylines)
  count_matches("<text " "${svg}" texts)
  if(NOT polylines EQUAL 16 OR texts LESS 16)
    message(FATAL_ERROR "${SVG}: ${polylines} polylines (expected 16), ${texts} texts")
  endif()
  if(svg MATCHES "[\",]-?(nan|inf)")
    message(FATAL_ERROR "${SVG} contains a non-finite number")
  endif()
endfunction()

function(check_reproducible)
  foreach(name first second other)
    file(REMOVE ${OUTPUT_DIR}/${name}.svg)
  endforeach()
  run_grid(--seed 7 --samples 2000 --output ${OUTPUT_DIR}/first.svg)
  expect_exit_status(0 "--seed 7")
  run_grid(--samples 2000 --output ${OUTPUT_DIR}/second.svg --seed 7)
  expect_exit_status(0 "--seed 7")
  run_grid(--seed 8 --samples 2000 --output ${OUTPUT_DIR}/other.svg)
  expect_exit_status(0 "--seed 8")
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files
    ${OUTPUT_DIR}/first.svg ${OUTPUT_DIR}/second.svg RESULT_VARIABLE differ)
  if(NOT differ EQUAL 0)
    message(FATAL_ERROR "two runs with seed 7 wrote different files")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files
    ${OUTPUT_DIR}/first.svg ${OUTPUT_DIR}/other.svg RESULT_VARIABLE differ)
  if(differ EQUAL 0)
    message(FATAL_ERROR "seeds 7 and 8 wrote identical files: the seed is ignored")
  endif()
endfunction()

function(check_bad_options)
  set(never_written ${OUTPUT_DIR}/never_written.svg)
  file(REMOVE ${never_written})
  # One command line per element; '|' separates its arguments.
  set(command_lines
    "--bogus" "positional" "-x" "--samples" "--seed" "--output"
    "--samples|10x" "--samples|0" "--samples|-5" "--samples|abc" "--samples|1.5"
    "--samples| 10" "--samples|" "--bins|0" "--bins|3e1" "--seed|-1" "--seed|4x2"
    "--samples|99999999999999999999999" "--output|")
  foreach(command_line IN LISTS command_lines)
    string(REPLACE "|" ";" arguments "${command_line}")
    run_grid(--output ${never_written} ${arguments})
    expect_exit_status(2 "${command_line}")
    expect_one_line_error("${command_line}")
  endforeach()
  if(EXISTS ${never_written})
    message(FATAL_ERROR "a bad command line still wrote ${never_written}")
  endif()
endfunction()

function(check_help)
  run_grid(--help)
  expect_exit_status(0 --help)
  if(NOT out MATCHES "^Usage: drelu_grid" OR NOT err STREQUAL "")
    message(FATAL_ERROR "--help: unexpected output\nstdout:\n${out}\nstderr:\n${err}")
  endif()
endfunction()

function(check_unwritable)
  set(path ${OUTPUT_DIR}/no_such_directory/drelu_grid.svg)
  run_grid(--samples 100 --output ${path})
  expect_exit_status(1 "--output ${path}")
  expect_one_line_error("--output ${path}")
endfunction()

if(MODE STREQUAL "run")
  check_run()
elseif(MODE STREQUAL "content")
  check_content()
elseif(MODE STREQUAL "reproducible")
  check_reproducible()
elseif(MODE STREQUAL "bad_options")
  check_bad_options()
elseif(MODE STREQUAL "help")
  check_help()
elseif(MODE STREQUAL "unwritable")
  check_unwritable()
else()
  message(FATAL_ERROR "example_test.cmake: unknown MODE '${MODE}'")
endif()
