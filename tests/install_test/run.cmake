# Builds and runs the consumer project of this directory against drelu, as CTest tests:
#   cmake -DMODE=package|subdirectory -DDRELU_SOURCE_DIR=<src> -DDRELU_BINARY_DIR=<build>
#         -DWORK_DIR=<scratch dir> -DGENERATOR=<generator> -DMAKE_PROGRAM=<make or ninja>
#         -DCXX_COMPILER=<c++> -DCONFIG=<build type> [-DEigen3_DIR=...] [-DBoost_DIR=...]
#         -P run.cmake
# package:       cmake --install the drelu build into WORK_DIR/prefix, then find_package(drelu)
#                from there.
# subdirectory:  add_subdirectory(DRELU_SOURCE_DIR); the consumer's CMakeLists.txt checks that
#                nothing but the library comes along.

cmake_minimum_required(VERSION 3.16)

foreach(variable MODE DRELU_SOURCE_DIR DRELU_BINARY_DIR WORK_DIR GENERATOR CXX_COMPILER CONFIG)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "run.cmake: -D${variable}=... is required")
  endif()
endforeach()

# Runs a command; stops with its output when it fails.
function(run_step description)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${description} failed (${rc}):\n${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${description}: ok")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

# An empty CONFIG (no build type) means the generator's default configuration.
set(config_options)
if(CONFIG)
  set(config_options --config ${CONFIG})
endif()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/build)

set(configure_options -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
  "-DCMAKE_BUILD_TYPE=${CONFIG}" -DDRELU_CONSUME=${MODE})
if(MAKE_PROGRAM)
  list(APPEND configure_options -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
foreach(dependency Eigen3_DIR Boost_DIR)
  if(${dependency})
    list(APPEND configure_options -D${dependency}=${${dependency}})
  endif()
endforeach()

if(MODE STREQUAL "package")
  run_step("cmake --install into ${prefix}"
    ${CMAKE_COMMAND} --install ${DRELU_BINARY_DIR} --prefix ${prefix} ${config_options})
  foreach(installed include/drelu/drelu.hpp)
    if(NOT EXISTS ${prefix}/${installed})
      message(FATAL_ERROR "cmake --install did not install ${installed}")
    endif()
  endforeach()
  file(GLOB_RECURSE config_files ${prefix}/*/drelu-config.cmake)
  if(NOT config_files)
    message(FATAL_ERROR "cmake --install did not install drelu-config.cmake")
  endif()
  list(APPEND configure_options -DCMAKE_PREFIX_PATH=${prefix} -DDRELU_EXPECTED_PREFIX=${prefix}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
elseif(MODE STREQUAL "subdirectory")
  list(APPEND configure_options -DDRELU_SOURCE_DIR=${DRELU_SOURCE_DIR})
else()
  message(FATAL_ERROR "run.cmake: unknown MODE '${MODE}'")
endif()

run_step("configure the consumer (${MODE})"
  ${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR} -B ${build} ${configure_options})
run_step("build the consumer" ${CMAKE_COMMAND} --build ${build} ${config_options})

# Single-configuration generators put the program in the build directory, others in CONFIG/.
set(program ${build}/consumer)
if(NOT EXISTS ${program})
  set(program ${build}/${CONFIG}/consumer)
endif()
run_step("run the consumer" ${program})
message(STATUS "${step_output}")
