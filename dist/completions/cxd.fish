function __cxd_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __cxd_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __cxd_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __cxd_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __cxd_parse_tokens -S
    set -l unparsed_tokens (__cxd_tokens -pc)
    switch $unparsed_tokens[1]
    case 'cxd'
        __cxd_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'init'
            __cxd_parse_subcommand 1 'version' 'h/help'
        case 'validate'
            __cxd_parse_subcommand 0 'c/config=' 'now=' 'version' 'h/help'
        case 'run'
            __cxd_parse_subcommand 0 'c/config=' 'now=' 'once' 'log-level=' 'http-listen=' 'node=' 'version' 'h/help'
        case 'status'
            __cxd_parse_subcommand 1 'c/config=' 'now=' 'json' 'version' 'h/help'
        case 'complete'
            __cxd_parse_subcommand 2 'c/config=' 'now=' 'by=' 'note=' 'version' 'h/help'
        case 'reopen'
            __cxd_parse_subcommand 2 'c/config=' 'now=' 'by=' 'note=' 'version' 'h/help'
        case 'pause'
            __cxd_parse_subcommand 1 'c/config=' 'now=' 'by=' 'note=' 'version' 'h/help'
        case 'resume'
            __cxd_parse_subcommand 1 'c/config=' 'now=' 'by=' 'version' 'h/help'
        case 'ack'
            __cxd_parse_subcommand 1 'c/config=' 'now=' 'by=' 'version' 'h/help'
        case 'snooze'
            __cxd_parse_subcommand 1 'c/config=' 'now=' 'by=' 'for=' 'version' 'h/help'
        case 'history'
            __cxd_parse_subcommand 1 'c/config=' 'now=' 'json' 'version' 'h/help'
        case 'plan'
            __cxd_parse_subcommand 0 'c/config=' 'now=' 'json' 'days=' 'initiative=' 'version' 'h/help'
        case 'outbox'
            __cxd_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __cxd_parse_subcommand 0 'c/config=' 'now=' 'json' 'status=' 'limit=' 'version' 'h/help'
            case 'retry'
                __cxd_parse_subcommand 1 'c/config=' 'now=' 'dead' 'version' 'h/help'
            end
        case 'notify'
            __cxd_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'test'
                __cxd_parse_subcommand 1 'c/config=' 'now=' 'to=' 'version' 'h/help'
            case 'enable'
                __cxd_parse_subcommand 1 'c/config=' 'now=' 'version' 'h/help'
            end
        case 'routes'
            __cxd_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'test'
                __cxd_parse_subcommand 0 'c/config=' 'now=' 'json' 'event=' 'initiative=' 'version' 'h/help'
            end
        case 'survey'
            __cxd_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'import'
                __cxd_parse_subcommand 1 'c/config=' 'now=' 'by=' 'initiative=' 'round=' 'skip-invalid' 'version' 'h/help'
            case 'show'
                __cxd_parse_subcommand 1 'c/config=' 'now=' 'json' 'round=' 'version' 'h/help'
            end
        case 'followups'
            __cxd_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __cxd_parse_subcommand 0 'c/config=' 'now=' 'json' 'initiative=' 'all' 'version' 'h/help'
            case 'close'
                __cxd_parse_subcommand 1 'c/config=' 'now=' 'by=' 'note=' 'version' 'h/help'
            end
        case 'journey'
            __cxd_parse_subcommand 1 'c/config=' 'now=' 'format=' 'o/output=' 'version' 'h/help'
        case 'calendar'
            __cxd_parse_subcommand 1 'c/config=' 'now=' 'revoke' 'version' 'h/help'
        case 'db'
            __cxd_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'status'
                __cxd_parse_subcommand 0 'c/config=' 'now=' 'version' 'h/help'
            case 'migrate'
                __cxd_parse_subcommand 0 'c/config=' 'now=' 'version' 'h/help'
            case 'copy'
                __cxd_parse_subcommand 0 'from=' 'to=' 'from-password-file=' 'from-password-env=' 'to-password-file=' 'to-password-env=' 'version' 'h/help'
            end
        case 'help'
            __cxd_parse_subcommand -r 1 'version'
        end
    end
end

function __cxd_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __cxd_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __cxd_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __cxd_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__cxd_tokens -p)
    if test -z "$(__cxd_tokens -t)"
        set -l index (count (__cxd_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'cxd' -f
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'init' -d 'Create a new cxd project folder from the built-in example.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'validate' -d 'Check every YAML file and report all problems at once.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'run' -d 'Run the daemon in the foreground (Ctrl-C or SIGTERM stops it cleanly).'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'status' -d 'Show every initiative, or one in detail.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'complete' -d 'Close the open step of an initiative and open the next one.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'reopen' -d 'Go back to a step: closes the open step and opens the given one anew.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'pause' -d 'Freeze an initiative: no reminders; on resume the deadline moves by the time paused.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'resume' -d 'Resume a paused initiative.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'ack' -d 'Stop the repeats of the current reminder level of an initiative\'s open step.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'snooze' -d 'Pause the reminders of an initiative\'s open step for a while (the deadline stays).'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'history' -d 'Print the audit log of an initiative, oldest first.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'plan' -d 'Dry-run the workflows: what would happen, and to whom, if nobody acted.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'outbox' -d 'List the notifications waiting for delivery, delivered, or dead; send dead ones again.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'notify' -d 'Try a notifier, or put one disabled by a gone endpoint back in service.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'routes' -d 'Check the routing of notifications.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'survey' -d 'Import survey answers and show a round\'s metrics.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'followups' -d 'Follow-up tasks opened by unhappy customers\' answers.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'journey' -d 'Draw an initiative\'s experience map: Markdown, Mermaid or SVG.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'calendar' -d 'Print a person\'s calendar-feed URL (their open deadlines, as iCalendar).'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'db' -d 'The database\'s schema: its named migrations, and applying them.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd init" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd validate" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd validate" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd validate" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd validate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd run" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd run" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd run" once' -l 'once' -d 'Evaluate and deliver once, then exit.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd run" log-level' -l 'log-level' -d 'trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd run" http-listen' -l 'http-listen' -d 'Serve the HTTP API, dashboard and metrics on HOST:PORT (overrides http.listen; port 0 picks a free one).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd run" node' -l 'node' -d 'This node\'s name in `cxd status` when several run on PostgreSQL (overrides cluster.node; default HOST-PID).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd run" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd status" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd status" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd status" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd status" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd complete" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd complete" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd complete" by' -l 'by' -d 'Who performs the change (default: $CXD_ACTOR, else $USER).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd complete" note' -l 'note' -d 'Why, or what was agreed: kept in the audit log.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd complete" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd complete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd reopen" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd reopen" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd reopen" by' -l 'by' -d 'Who performs the change (default: $CXD_ACTOR, else $USER).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd reopen" note' -l 'note' -d 'Why: kept in the audit log.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd reopen" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd reopen" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd pause" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd pause" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd pause" by' -l 'by' -d 'Who performs the change (default: $CXD_ACTOR, else $USER).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd pause" note' -l 'note' -d 'Why: kept in the audit log.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd pause" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd pause" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd resume" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd resume" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd resume" by' -l 'by' -d 'Who performs the change (default: $CXD_ACTOR, else $USER).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd resume" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd resume" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd ack" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd ack" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd ack" by' -l 'by' -d 'Who performs the change (default: $CXD_ACTOR, else $USER).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd ack" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd ack" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd snooze" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd snooze" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd snooze" by' -l 'by' -d 'Who performs the change (default: $CXD_ACTOR, else $USER).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd snooze" for' -l 'for' -d 'How long: 4h, 2d, 1w, 3bd…' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd snooze" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd snooze" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd history" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd history" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd history" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd history" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd history" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd plan" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd plan" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd plan" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd plan" days' -l 'days' -d 'How many days ahead.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd plan" initiative' -l 'initiative' -d 'Only this initiative.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd plan" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd plan" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd outbox" -eq 1' -fa 'list' -d 'List outbox messages (pending and dead by default), oldest first, with how many match in all.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd outbox" -eq 1' -fa 'retry' -d 'Send a dead (or waiting) message again now, or every dead message with --dead.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox list" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox list" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox list" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox list" status' -l 'status' -d 'pending, dead, delivered, undelivered (pending and dead) or all.' -rfka 'pending dead delivered undelivered all'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox list" limit' -l 'limit' -d 'At most this many rows (the oldest first).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox list" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox retry" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox retry" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox retry" dead' -l 'dead' -d 'Every dead message.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox retry" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd outbox retry" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd notify" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd notify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd notify" -eq 1' -fa 'test' -d 'Send a test message through one notifier now and report the result.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd notify" -eq 1' -fa 'enable' -d 'Put a notifier disabled after its endpoint answered 410 Gone back in service.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd notify test" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd notify test" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd notify test" to' -l 'to' -d 'Who receives it (default: the first operator, else the first person).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd notify test" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd notify test" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd notify enable" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd notify enable" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd notify enable" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd notify enable" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd routes" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd routes" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd routes" -eq 1' -fa 'test' -d 'Print which notifiers and recipients a notification would reach, without sending.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd routes test" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd routes test" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd routes test" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd routes test" event' -l 'event' -d 'started, reassigned, due_soon, overdue or escalated (with or without the `step.` prefix).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd routes test" initiative' -l 'initiative' -d 'The initiative.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd routes test" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd routes test" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd survey" -eq 1' -fa 'import' -d 'Import answers from CSV (header row) or JSON lines.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd survey" -eq 1' -fa 'show' -d 'Metrics of a round, overall and per touchpoint, with 95% intervals and the touchpoint ranking.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey import" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey import" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey import" by' -l 'by' -d 'Who performs the change (default: $CXD_ACTOR, else $USER).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey import" initiative' -l 'initiative' -d 'The initiative.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey import" round' -l 'round' -d 'The round number (default: the open round, else the latest).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey import" skip-invalid' -l 'skip-invalid' -d 'Import the good rows of a file with bad ones, and report the rest.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey import" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey show" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey show" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey show" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey show" round' -l 'round' -d 'The round number (default: the latest).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey show" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd survey show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd followups" -eq 1' -fa 'list' -d 'List follow-ups (open ones by default).'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd followups" -eq 1' -fa 'close' -d 'Close a follow-up: the customer was contacted.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups list" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups list" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups list" json' -l 'json' -d 'Print JSON instead of a table.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups list" initiative' -l 'initiative' -d 'Only this initiative.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups list" all' -l 'all' -d 'Closed ones too.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups list" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups close" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups close" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups close" by' -l 'by' -d 'Who performs the change (default: $CXD_ACTOR, else $USER).' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups close" note' -l 'note' -d 'What was done: kept in the audit log.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups close" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd followups close" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd journey" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd journey" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd journey" format' -l 'format' -d 'md, mermaid or svg.' -rfka 'md mermaid svg'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd journey" o output' -s 'o' -l 'output' -d 'Write to this file instead of standard output.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd journey" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd journey" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd calendar" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd calendar" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd calendar" revoke' -l 'revoke' -d 'Stop every earlier URL of this person and print a new one.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd calendar" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd calendar" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd db" -eq 1' -fa 'status' -d 'List the migrations applied to the database and those still to apply.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd db" -eq 1' -fa 'migrate' -d 'Apply the database\'s pending migrations.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_positional "cxd db" -eq 1' -fa 'copy' -d 'Copy a whole installation to another database (SQLite to PostgreSQL, or back), verified table by table.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db status" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db status" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db status" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db migrate" c config' -s 'c' -l 'config' -d 'The main configuration file.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db migrate" now' -l 'now' -d 'Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db migrate" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db migrate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db copy" from' -l 'from' -d 'The database to copy from.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db copy" to' -l 'to' -d 'The new, empty database to copy to.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db copy" from-password-file' -l 'from-password-file' -d 'A file holding the source\'s PostgreSQL password.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db copy" from-password-env' -l 'from-password-env' -d 'An environment variable holding the source\'s PostgreSQL password.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db copy" to-password-file' -l 'to-password-file' -d 'A file holding the destination\'s PostgreSQL password.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db copy" to-password-env' -l 'to-password-env' -d 'An environment variable holding the destination\'s PostgreSQL password.' -rfka ''
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db copy" version' -l 'version' -d 'Show the version.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd db copy" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cxd' -n '__cxd_should_offer_completions_for_flags_or_options "cxd help" version' -l 'version' -d 'Show the version.'
