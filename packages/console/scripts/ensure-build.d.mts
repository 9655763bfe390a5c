export declare const consoleDir: string;
export declare function consoleBuildIsFresh(): boolean;
export declare function ensureConsoleBuild(options?: { quiet?: boolean }): boolean;
