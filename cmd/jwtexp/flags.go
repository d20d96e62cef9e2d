package main

import "flag"

// parseInterspersed parses args with fs and returns the positional
// arguments. Unlike a bare fs.Parse, flags may follow them ("jwtexp $TOKEN
// -json", "jwtexp check URL -json"); "--" still ends the flags. The error
// is fs.Parse's, flag.ErrHelp after -h.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		consumed := len(rest) - fs.NArg()
		if consumed > 0 && rest[consumed-1] == "--" {
			// The flag package dropped the terminator; everything after it is
			// positional. No flag of ours accepts "--" as its value, so the
			// "--" seen here is the terminator.
			return append(pos, fs.Args()...), nil
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
}
