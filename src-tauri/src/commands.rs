//! The Tauri commands, generated from the one list in `crates/tablet/src/command_list.rs`: each
//! takes the shared state and the command's one request object (`{ request: {…} }` from the UI)
//! and calls the function of the same name in `mimik_tablet::commands`.

use mimik_tablet::dto::*;
use mimik_tablet::requests::*;
use mimik_tablet::study_plan::*;
use mimik_tablet::{CommandResult, Shared};
use std::sync::Arc;
use tauri::State;

type Shell<'a> = State<'a, Arc<Shared>>;

macro_rules! tauri_commands {
    ($($name:ident($($request:ty)?) -> $response:ty;)*) => {$(
        #[tauri::command]
        pub async fn $name(state: Shell<'_>, $(request: $request)?) -> CommandResult<$response> {
            mimik_tablet::commands::$name(&state, $({ let r: $request = request; r })?).await
        }
    )*};
}
mimik_tablet::mimik_commands!(tauri_commands);

/// The invoke handler for every command of the list.
macro_rules! handler {
    ($($name:ident($($request:ty)?) -> $response:ty;)*) => {
        tauri::generate_handler![$(commands::$name),*]
    };
}
pub(crate) use handler;
