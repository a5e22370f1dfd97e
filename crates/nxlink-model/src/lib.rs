//! Typed, validated models for the NXLink AI-agent OpenAPI.
#![forbid(unsafe_code)]
