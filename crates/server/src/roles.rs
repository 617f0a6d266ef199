//! Who may do what on the server (issue 14 point 1): six roles, the actions of the coordinator
//! pages, and [`GRANTS`], the one table between them. Every page handler asks [`Staff::allow`]
//! for its action before it reads anything; `crates/server/tests/roles.rs` walks every route with
//! every role and compares the answers with its own copy of this table.
//!
//! Site scope: a coordinator and a clinician work at the sites named when they were added
//! (`user add --site`, at least one). Every other role sees every site, and takes no `--site`.
//! A participant or device of a site outside the scope answers 404, as if it did not exist.

use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Users, devices and studies.
    Admin,
    /// Participants, devices and completeness of their sites.
    Coordinator,
    /// Exports and queries, every site.
    DataManager,
    /// Read-only everywhere, the audit trail; raises queries.
    Monitor,
    /// Grades side effects at their sites.
    Clinician,
    /// The blinded rating queue only.
    Rater,
}

impl Role {
    /// Every role, in the order pages and help list them.
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Coordinator,
        Role::DataManager,
        Role::Monitor,
        Role::Clinician,
        Role::Rater,
    ];

    /// Its name on the command line, in the database and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::DataManager => "data-manager",
            Role::Monitor => "monitor",
            Role::Clinician => "clinician",
            Role::Rater => "rater",
        }
    }

    /// Whether the role works at named sites (and so needs at least one).
    pub fn works_at_sites(self) -> bool {
        matches!(self, Role::Coordinator | Role::Clinician)
    }

    /// The page a user of this role lands on after logging in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Admin => "/devices",
            Role::Coordinator | Role::DataManager | Role::Monitor => "/completeness",
            Role::Clinician => "/side-effects",
            Role::Rater => "/rating",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: use admin, coordinator, data-manager, monitor, clinician or rater")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// Something a user does on the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// `GET /studies`: protocols, forms and bundle versions (no participant data).
    ViewStudies,
    /// `GET /devices`.
    ViewDevices,
    /// `POST /devices/{id}/revoke`.
    RevokeDevice,
    /// `GET /completeness`.
    ViewCompleteness,
    /// `GET /participants/…`: one participant's forms and scores.
    ViewParticipant,
    /// `GET /side-effects`: free text awaiting a grade.
    ViewSideEffects,
    /// `GET /review`: conflicts, duplicates and untrusted corrections, every site.
    ViewReview,
    /// `GET /exports` and `/exports/{format}`: every submission of every site.
    Export,
    /// `GET /users`.
    ViewUsers,
    /// `GET /rating`: the blinded rating queue.
    RatingQueue,
    /// `GET /audit`, `audit export`, `audit verify`: the server's audit trail.
    ViewAudit,
    /// `POST /participants/…/status`, `participant status`: a participant's status (their sites).
    SetParticipantStatus,
    /// `GET /queries`: data queries (of their sites).
    ViewQueries,
    /// `POST /queries`: open a data query.
    OpenQuery,
    /// `POST /queries/{id}/answer`: answer one (their sites).
    AnswerQuery,
    /// `user add`, `user disable` (command line only).
    ManageUsers,
    /// `site add` (command line only).
    ManageSites,
    /// `study publish` (command line only).
    PublishStudy,
    /// `enrollment-code` (command line only; a coordinator for their sites).
    IssueEnrollmentCode,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 19] = [
        Action::ViewStudies,
        Action::ViewDevices,
        Action::RevokeDevice,
        Action::ViewCompleteness,
        Action::ViewParticipant,
        Action::ViewSideEffects,
        Action::ViewReview,
        Action::Export,
        Action::ViewUsers,
        Action::RatingQueue,
        Action::ViewAudit,
        Action::SetParticipantStatus,
        Action::ViewQueries,
        Action::OpenQuery,
        Action::AnswerQuery,
        Action::ManageUsers,
        Action::ManageSites,
        Action::PublishStudy,
        Action::IssueEnrollmentCode,
    ];

    /// Whether a page route needs it (the others are server commands run with `--as`).
    pub fn on_pages(self) -> bool {
        !matches!(
            self,
            Action::ManageUsers
                | Action::ManageSites
                | Action::PublishStudy
                | Action::IssueEnrollmentCode
        )
    }
}

use Role::{Admin, Clinician, Coordinator, DataManager, Monitor, Rater};

/// The one table of who may do what. A coordinator or clinician is further limited to their
/// sites; see the module documentation.
pub const GRANTS: [(Action, &[Role]); 19] = [
    (
        Action::ViewStudies,
        &[Admin, Coordinator, DataManager, Monitor, Clinician],
    ),
    (Action::ViewDevices, &[Admin, Coordinator, Monitor]),
    (Action::RevokeDevice, &[Admin, Coordinator]),
    (
        Action::ViewCompleteness,
        &[Coordinator, DataManager, Monitor],
    ),
    (
        Action::ViewParticipant,
        &[Coordinator, DataManager, Monitor, Clinician],
    ),
    (
        Action::ViewSideEffects,
        &[Coordinator, DataManager, Monitor, Clinician],
    ),
    (Action::ViewReview, &[DataManager, Monitor]),
    (Action::Export, &[DataManager]),
    (Action::ViewUsers, &[Admin]),
    (Action::RatingQueue, &[Rater]),
    (Action::ViewAudit, &[DataManager, Monitor]),
    (Action::SetParticipantStatus, &[Coordinator]),
    (Action::ViewQueries, &[Coordinator, DataManager, Monitor]),
    (Action::OpenQuery, &[DataManager, Monitor]),
    (Action::AnswerQuery, &[Coordinator]),
    (Action::ManageUsers, &[Admin]),
    (Action::ManageSites, &[Admin]),
    (Action::PublishStudy, &[Admin, DataManager]),
    (Action::IssueEnrollmentCode, &[Admin, Coordinator]),
];

/// Whether `role` may do `action` (at some site).
pub fn may(role: Role, action: Action) -> bool {
    GRANTS
        .iter()
        .any(|(a, roles)| *a == action && roles.contains(&role))
}

/// Who did something: a user of the pages or of `--as`, or the operating-system user running
/// a server command (who has the admin role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user name, or `os:NAME` for the operating-system user.
    pub name: String,
    /// The role's name.
    pub role: String,
}

impl Actor {
    /// The server itself (publishing the reference study on first start).
    pub fn system() -> Actor {
        Actor {
            name: "mimik-server".into(),
            role: "system".into(),
        }
    }

    /// The operating-system user running a server command without `--as`: `os:NAME`, with
    /// the admin role.
    pub fn operating_system_user() -> Actor {
        let name = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into());
        Actor {
            name: format!("os:{name}"),
            role: "admin".into(),
        }
    }
}

/// A logged-in user, as the pages see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The sites of a coordinator or clinician; empty (and unused) for the other roles.
    pub sites: BTreeSet<String>,
}

/// An action the user's role does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {role} may not do this")]
pub struct Forbidden {
    /// The user's role.
    pub role: Role,
}

impl Staff {
    /// `Ok` when the role may do `action`.
    pub fn allow(&self, action: Action) -> Result<(), Forbidden> {
        if may(self.role, action) {
            Ok(())
        } else {
            Err(Forbidden { role: self.role })
        }
    }

    /// The user as the audit trail names them.
    pub fn actor(&self) -> Actor {
        Actor {
            name: self.name.clone(),
            role: self.role.name().to_owned(),
        }
    }

    /// Whether `site` is within the user's scope.
    pub fn sees_site(&self, site: &str) -> bool {
        !self.role.works_at_sites() || self.sites.contains(site)
    }
}

/// What is wrong with a new user's role and sites.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// A coordinator or clinician without `--site`.
    #[error("a {0} works at named sites: give at least one --site")]
    SiteRequired(Role),
    /// `--site` for a role that sees every site.
    #[error("a {0} sees every site: leave out --site")]
    SiteNotTaken(Role),
}

/// Check that `sites` fit `role`.
pub fn check_scope(role: Role, sites: &BTreeSet<String>) -> Result<(), ScopeError> {
    match (role.works_at_sites(), sites.is_empty()) {
        (true, true) => Err(ScopeError::SiteRequired(role)),
        (false, false) => Err(ScopeError::SiteNotTaken(role)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_name_parses_back_to_the_role_and_an_unknown_one_is_refused() {
        for role in Role::ALL {
            assert_eq!(role.name().parse::<Role>(), Ok(role));
        }
        assert!("superuser".parse::<Role>().is_err());
        assert!("Admin".parse::<Role>().is_err());
    }

    #[test]
    fn every_action_appears_once_in_the_table() {
        for action in Action::ALL {
            assert_eq!(GRANTS.iter().filter(|(a, _)| *a == action).count(), 1);
        }
    }

    #[test]
    fn a_rater_may_do_nothing_but_open_the_rating_queue() {
        for action in Action::ALL {
            assert_eq!(may(Rater, action), action == Action::RatingQueue);
        }
    }

    #[test]
    fn coordinators_and_clinicians_need_a_site_and_the_other_roles_take_none() {
        let none = BTreeSet::new();
        let one: BTreeSet<String> = ["karolinska".to_owned()].into();
        for role in Role::ALL {
            assert_eq!(check_scope(role, &none).is_ok(), !role.works_at_sites());
            assert_eq!(check_scope(role, &one).is_ok(), role.works_at_sites());
        }
    }

    #[test]
    fn a_coordinator_sees_only_their_sites_and_a_monitor_sees_every_site() {
        let coordinator = Staff {
            name: "c".into(),
            role: Coordinator,
            sites: ["karolinska".to_owned()].into(),
        };
        assert!(coordinator.sees_site("karolinska"));
        assert!(!coordinator.sees_site("uppsala"));
        let monitor = Staff {
            name: "m".into(),
            role: Monitor,
            sites: BTreeSet::new(),
        };
        assert!(monitor.sees_site("uppsala"));
    }
}
